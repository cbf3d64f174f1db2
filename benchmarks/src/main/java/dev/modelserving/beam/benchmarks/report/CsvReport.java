package dev.modelserving.beam.benchmarks.report;

/**
 * {@code benchmarks.csv}: one line per figure, plain numbers (no separators), RFC 4180 quoting.
 * The {@code kind} column says which columns a line fills: {@code throughput} (records a second
 * and ratios), {@code latency} (rates, count and percentiles in ms) or {@code heap} (MiB and models
 * loaded); the others are empty.
 */
public final class CsvReport {
  /** The header line. */
  public static final String HEADER = "kind,suite,variant,model,parallelism,records_per_second,low,high,raw_baseline,"
      + "ratio_to_raw,ratio_to_native,offered_rate,achieved_rate,count,p50_ms,p99_ms,p999_ms,max_ms,heap_mib,"
      + "models_loaded,notes";

  private CsvReport() {}

  public static String render(Report report) {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    for (BenchmarkResult r : report.results()) {
      s.append("throughput,")
          .append(quote(r.suite())).append(',')
          .append(quote(r.variant())).append(',')
          .append(quote(r.model())).append(',')
          .append(r.parallelism()).append(',')
          .append(Format.csvNumber(r.recordsPerSecond())).append(',')
          .append(Format.csvNumber(r.low())).append(',')
          .append(Format.csvNumber(r.high())).append(',')
          .append(r.rawBaseline()).append(',')
          .append(Format.csvNumber(r.ratioToRaw())).append(',')
          .append(Format.csvNumber(r.ratioToNative())).append(',')
          .append(",,,,,,,,,")
          .append(quote(r.notes())).append('\n');
    }
    for (LatencyResult l : report.latencies()) {
      s.append("latency,")
          .append(quote(l.suite())).append(',')
          .append(quote(l.variant())).append(',')
          .append(quote(l.model())).append(',')
          .append(l.parallelism()).append(',')
          .append(",,,,,,")
          .append(Format.csvNumber(l.offeredRate())).append(',')
          .append(Format.csvNumber(l.achievedRate())).append(',')
          .append(l.count()).append(',')
          .append(Format.csvNumber(l.p50())).append(',')
          .append(Format.csvNumber(l.p99())).append(',')
          .append(Format.csvNumber(l.p999())).append(',')
          .append(Format.csvNumber(l.max())).append(',')
          .append(",,")
          .append(quote(l.notes())).append('\n');
    }
    for (HeapResult h : report.heap()) {
      s.append("heap,")
          .append(Suites.HEAP).append(',')
          .append(quote(h.stage())).append(',')
          .append(",,,,,,,,,,,,,,,")
          .append(Format.csvNumber(h.heapMiB())).append(',')
          .append(h.loadedModels() < 0 ? "" : Integer.toString(h.loadedModels())).append(',')
          .append(quote(h.notes())).append('\n');
    }
    return s.toString();
  }

  /** A field, quoted when it holds a comma, a quote or a line break. */
  static String quote(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }
}

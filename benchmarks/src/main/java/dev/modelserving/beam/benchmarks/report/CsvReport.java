package dev.modelserving.beam.benchmarks.report;

/** {@code benchmarks.csv}: one line per figure, plain numbers (no separators), RFC 4180 quoting. */
public final class CsvReport {
  /** The header line. */
  public static final String HEADER =
      "suite,variant,model,parallelism,records_per_second,low,high,raw_baseline,ratio_to_raw,ratio_to_native,notes";

  private CsvReport() {}

  public static String render(Report report) {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    for (BenchmarkResult r : report.results()) {
      s.append(quote(r.suite())).append(',')
          .append(quote(r.variant())).append(',')
          .append(quote(r.model())).append(',')
          .append(r.parallelism()).append(',')
          .append(Format.csvNumber(r.recordsPerSecond())).append(',')
          .append(Format.csvNumber(r.low())).append(',')
          .append(Format.csvNumber(r.high())).append(',')
          .append(r.rawBaseline()).append(',')
          .append(Format.csvNumber(r.ratioToRaw())).append(',')
          .append(Format.csvNumber(r.ratioToNative())).append(',')
          .append(quote(r.notes())).append('\n');
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

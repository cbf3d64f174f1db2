package dev.modelserving.beam.benchmarks.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code benchmarks.csv}: one line per figure, plain numbers (no separators), RFC 4180 quoting.
 * The {@code kind} column says which columns a line fills: {@code throughput} (records a second
 * and ratios), {@code latency} (rates, count and percentiles in ms), {@code heap} (MiB and models
 * loaded), {@code policy-latency} (a latency line with the share answered, the serving step's
 * percentiles and the decision counts) or {@code policy-throughput} (a throughput line with the
 * ratio to the single-model baseline, model answers per record and the winners); the others are
 * empty.
 */
public final class CsvReport {
  /** The columns, in order. */
  public static final List<String> COLUMNS = List.of("kind", "suite", "variant", "model", "parallelism",
      "records_per_second", "low", "high", "raw_baseline", "ratio_to_raw", "ratio_to_native", "offered_rate",
      "achieved_rate", "count", "p50_ms", "p99_ms", "p999_ms", "max_ms", "heap_mib", "models_loaded",
      "ratio_to_baseline", "answered_pct", "answers_per_record", "step_p99_ms", "step_p999_ms", "step_max_ms",
      "decisions", "outcomes", "notes");
  /** The header line. */
  public static final String HEADER = String.join(",", COLUMNS);

  private CsvReport() {}

  public static String render(Report report) {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    for (Map<String, String> row : rows(report)) {
      s.append(line(row)).append('\n');
    }
    return s.toString();
  }

  /** Every figure of the report as a row, by column name. */
  static List<Map<String, String>> rows(Report report) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (BenchmarkResult r : report.results()) {
      Map<String, String> row = row("throughput", r.suite(), r.variant(), r.model(), r.parallelism(), r.notes());
      row.put("records_per_second", Format.csvNumber(r.recordsPerSecond()));
      row.put("low", Format.csvNumber(r.low()));
      row.put("high", Format.csvNumber(r.high()));
      row.put("raw_baseline", Boolean.toString(r.rawBaseline()));
      row.put("ratio_to_raw", Format.csvNumber(r.ratioToRaw()));
      row.put("ratio_to_native", Format.csvNumber(r.ratioToNative()));
      rows.add(row);
    }
    for (LatencyResult l : report.latencies()) {
      Map<String, String> row = row("latency", l.suite(), l.variant(), l.model(), l.parallelism(), l.notes());
      putLatency(row, l.offeredRate(), l.achievedRate(), l.count(),
          new LatencySummary(l.count(), l.p50(), l.p99(), l.p999(), l.max()));
      rows.add(row);
    }
    for (HeapResult h : report.heap()) {
      Map<String, String> row = new HashMap<>();
      row.put("kind", "heap");
      row.put("suite", Suites.HEAP);
      row.put("variant", h.stage());
      row.put("heap_mib", Format.csvNumber(h.heapMiB()));
      row.put("models_loaded", h.loadedModels() < 0 ? "" : Integer.toString(h.loadedModels()));
      row.put("notes", h.notes());
      rows.add(row);
    }
    rows.addAll(policyRows(report.policies()));
    return rows;
  }

  /** The lines of the policies suite. */
  static List<Map<String, String>> policyRows(PolicyResults policies) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (PolicyLatencyResult r : policies.latencies()) {
      Map<String, String> row = row("policy-latency", Suites.POLICIES, r.variant(), r.models(), r.parallelism(),
          r.setup() + "; " + r.notes());
      putLatency(row, r.offeredRate(), r.achievedRate(), r.inputs(), r.endToEnd());
      row.put("answered_pct", Format.csvNumber(r.answeredPercent()));
      row.put("step_p99_ms", Format.csvNumber(r.step().p99()));
      row.put("step_p999_ms", Format.csvNumber(r.step().p999()));
      row.put("step_max_ms", Format.csvNumber(r.step().max()));
      row.put("decisions", PolicyLatencyResult.counts(r.decisions()));
      row.put("outcomes", PolicyLatencyResult.counts(r.outcomes()));
      rows.add(row);
    }
    for (PolicyThroughputResult r : policies.throughputs()) {
      Map<String, String> row = row("policy-throughput", Suites.POLICIES, r.variant(), r.models(), r.parallelism(),
          r.setup() + "; " + r.notes());
      row.put("records_per_second", Format.csvNumber(r.recordsPerSecond()));
      row.put("low", Format.csvNumber(r.low()));
      row.put("high", Format.csvNumber(r.high()));
      row.put("ratio_to_baseline", Format.csvNumber(r.ratioToBaseline()));
      row.put("answered_pct", Format.csvNumber(r.answeredPercent()));
      row.put("answers_per_record", Format.csvNumber(r.scoringsPerRecord()));
      row.put("decisions", PolicyLatencyResult.counts(r.won()));
      row.put("outcomes", r.reviewPercent() > 0 ? "review=" + Format.csvNumber(r.reviewPercent()) + "%" : "");
      rows.add(row);
    }
    return rows;
  }

  private static Map<String, String> row(String kind, String suite, String variant, String model, int parallelism,
      String notes) {
    Map<String, String> row = new HashMap<>();
    row.put("kind", kind);
    row.put("suite", suite);
    row.put("variant", variant);
    row.put("model", model);
    row.put("parallelism", Integer.toString(parallelism));
    row.put("notes", notes);
    return row;
  }

  private static void putLatency(Map<String, String> row, double offered, double achieved, long count,
      LatencySummary s) {
    row.put("offered_rate", Format.csvNumber(offered));
    row.put("achieved_rate", Format.csvNumber(achieved));
    row.put("count", Long.toString(count));
    row.put("p50_ms", Format.csvNumber(s.p50()));
    row.put("p99_ms", Format.csvNumber(s.p99()));
    row.put("p999_ms", Format.csvNumber(s.p999()));
    row.put("max_ms", Format.csvNumber(s.max()));
  }

  /** A row as a line in {@link #COLUMNS} order; missing columns are empty. */
  static String line(Map<String, String> row) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < COLUMNS.size(); i++) {
      s.append(i == 0 ? "" : ",").append(quote(row.getOrDefault(COLUMNS.get(i), "")));
    }
    return s.toString();
  }

  /**
   * An existing {@code benchmarks.csv} (possibly with an older header) with the rows {@code replaced}
   * picks dropped and {@code added} appended, written with the current header: old rows keep their
   * values by column name, columns they lack are empty.
   */
  public static String merge(String existing, Predicate<Map<String, String>> replaced, List<Map<String, String>> added) {
    List<List<String>> records = parse(existing);
    if (records.isEmpty()) {
      throw new IllegalArgumentException("the existing CSV has no header line");
    }
    List<String> header = records.get(0);
    for (String column : header) {
      if (!COLUMNS.contains(column)) {
        throw new IllegalArgumentException("the existing CSV has a column this version does not know: " + column);
      }
    }
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    for (List<String> record : records.subList(1, records.size())) {
      if (record.size() == 1 && record.get(0).isEmpty()) {
        continue;
      }
      if (record.size() != header.size()) {
        throw new IllegalArgumentException("a line of the existing CSV has " + record.size() + " fields, the header "
            + header.size() + ": " + record);
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), record.get(i));
      }
      if (!replaced.test(row)) {
        s.append(line(row)).append('\n');
      }
    }
    for (Map<String, String> row : added) {
      s.append(line(row)).append('\n');
    }
    return s.toString();
  }

  /** The records of an RFC 4180 text: fields split at commas, quoted fields may hold commas, quotes and line breaks. */
  static List<List<String>> parse(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
        continue;
      }
      any = true;
      if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new ArrayList<>();
        any = false;
      } else {
        field.append(c);
      }
    }
    if (any || field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }

  /** A field, quoted when it holds a comma, a quote or a line break. */
  static String quote(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }
}

package dev.modelserving.beam.benchmarks.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code benchmarks.md}: the command, the machine, how to read the figures, a table per model. */
public final class MarkdownReport {
  private MarkdownReport() {}

  public static String render(Report report) {
    StringBuilder s = new StringBuilder();
    s.append("# Benchmarks\n\n");
    s.append("Written by `benchmarks/run.sh`; do not edit by hand.\n\n");
    if (!report.note().isBlank()) {
      s.append("> **Note:** ").append(report.note().trim()).append("\n\n");
    }
    s.append("Command:\n\n```bash\n").append(report.command()).append("\n```\n\n");

    if (!report.targets().isEmpty()) {
      s.append("## Targets\n\nWhere each target stands in this run (figures from the tables below).\n\n");
      s.append("| target | measured | status |\n|---|---|---|\n");
      for (TargetStatus t : report.targets()) {
        s.append("| ").append(cell(t.target()))
            .append(" | ").append(cell(t.figure()))
            .append(" | ").append(t.status() == TargetStatus.Status.MET ? "**met**" : t.status().label())
            .append(" |\n");
      }
      s.append('\n');
    }

    s.append("## Machine\n\n| | |\n|---|---|\n");
    for (Map.Entry<String, String> f : report.machine().facts().entrySet()) {
      s.append("| ").append(cell(f.getKey())).append(" | ").append(cell(f.getValue())).append(" |\n");
    }
    s.append('\n');

    if (!report.settings().isEmpty()) {
      s.append("## Settings\n\n");
      for (String line : report.settings()) {
        s.append("- ").append(line).append('\n');
      }
      s.append('\n');
    }

    s.append("## How to read the figures\n\n")
        .append("- **records/s** of the raw evaluators is the median over JMH's measurement iterations"
            + " (spread: the lowest and highest iteration); `parallelism` is the number of JMH threads"
            + " sharing one evaluator or session. TensorFlow at batch b makes one `Session.run` per b"
            + " records, and its figure counts records, not calls.\n")
        .append("- **records/s** of a pipeline is the *marginal* throughput: runs of N1 and N2 records,"
            + " (N2 − N1) / (t2 − t1) with t1, t2 the median wall-clock times of the repeats, so job"
            + " start-up and model loading cancel out (spread: the lowest and highest single pair of"
            + " runs).\n")
        .append("- **× raw** divides by the raw evaluator on the same model with as many threads as the"
            + " figure's parallelism (TensorFlow: batch 1, one record per call, as the pipelines score);"
            + " **× native** divides by the native Flink job on the same model and parallelism. Both"
            + " baselines come from the same run as the figure.\n")
        .append("- The raw **PMML baseline** prepares every input from the record's raw value"
            + " (`InputField.prepare`), evaluates and decodes the target, per record, as every caller of JPMML"
            + " must: a real stream never repeats a record. \"Evaluate only (pre-prepared)\" reuses argument maps"
            + " prepared before the loop, which works only because the workload repeats 1024 wines; it is shown"
            + " for reference and never used as the baseline.\n")
        .append("- **Latency** rows give percentiles (nearest rank) of per-record latency in ms: in process, the"
            + " time a record was scored minus the time it was due at the paced source; end to end, the time"
            + " the output record was read from Kafka minus the time it was due to be sent. The load is open"
            + " loop, so a record that waits (in the source, the generator, a buffer) counts its wait."
            + " *offered/s* is the rate asked for, *achieved/s* what came out over the window. A p99.9 is"
            + " shown from 1,000 samples on.\n")
        .append("- **Swap** rows: from just before a new model version is published to the first output record"
            + " scored by it, over the swaps; and per-record latency without and during swaps.\n")
        .append("- **Serving policies** have their own section, with their own baselines from the same run.\n\n");

    s.append("## Results\n\n![records per second by model](").append(Report.SVG).append(")\n\n");
    for (String model : report.models()) {
      s.append("### ").append(model).append("\n\n");
      s.append("| suite | variant | parallelism | records/s | spread | × raw | × native | notes |\n");
      s.append("|---|---|--:|--:|---|--:|--:|---|\n");
      for (BenchmarkResult r : report.results()) {
        if (!r.model().equals(model)) {
          continue;
        }
        s.append("| ").append(cell(r.suite()))
            .append(" | ").append(cell(r.variant()) + (r.rawBaseline() ? " (baseline)" : ""))
            .append(" | ").append(r.parallelism())
            .append(" | ").append(Format.rate(r.recordsPerSecond()))
            .append(" | ").append(Format.spread(r.low(), r.high()))
            .append(" | ").append(Format.ratio(r.ratioToRaw()))
            .append(" | ").append(Format.ratio(r.ratioToNative()))
            .append(" | ").append(cell(r.notes()))
            .append(" |\n");
      }
      s.append('\n');
    }

    if (!report.latencies().isEmpty()) {
      s.append("## Latency\n\n");
      s.append("| suite | variant | model | parallelism | offered/s | achieved/s | count | p50 ms | p99 ms | p99.9 ms | max ms | notes |\n");
      s.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
      for (LatencyResult l : report.latencies()) {
        s.append("| ").append(cell(l.suite()))
            .append(" | ").append(cell(l.variant()))
            .append(" | ").append(cell(l.model()))
            .append(" | ").append(l.parallelism())
            .append(" | ").append(Format.rate(l.offeredRate()).replace("n/a", ""))
            .append(" | ").append(Format.rate(l.achievedRate()).replace("n/a", ""))
            .append(" | ").append(String.format(Locale.ROOT, "%,d", l.count()))
            .append(" | ").append(Format.millis(l.p50()))
            .append(" | ").append(Format.millis(l.p99()))
            .append(" | ").append(Format.millis(l.p999()))
            .append(" | ").append(Format.millis(l.max()))
            .append(" | ").append(cell(l.notes()))
            .append(" |\n");
      }
      s.append('\n');
    }

    if (!report.heap().isEmpty()) {
      s.append("## Heap\n\n| stage | heap used after GC, MiB | models loaded | notes |\n|---|--:|--:|---|\n");
      for (HeapResult h : report.heap()) {
        s.append("| ").append(cell(h.stage()))
            .append(" | ").append(String.format(Locale.ROOT, h.heapMiB() < 10 ? "%.3f" : "%.1f", h.heapMiB()))
            .append(" | ").append(h.loadedModels() < 0 ? "" : Integer.toString(h.loadedModels()))
            .append(" | ").append(cell(h.notes()))
            .append(" |\n");
      }
      s.append('\n');
    }

    if (!report.policies().isEmpty()) {
      s.append(PolicySection.render(report.policies(), null));
    }

    List<Measurement> runs = report.measurements();
    if (!runs.isEmpty()) {
      s.append("## Timed runs\n\nEvery pipeline run behind the figures, in the order they ran.\n\n");
      s.append("| suite | variant | model | parallelism | records | scored | seconds | records/s (this run alone) |\n");
      s.append("|---|---|---|--:|--:|--:|--:|--:|\n");
      for (Measurement m : runs) {
        s.append("| ").append(cell(m.suite()))
            .append(" | ").append(cell(m.variant()))
            .append(" | ").append(cell(m.model()))
            .append(" | ").append(m.parallelism())
            .append(" | ").append(String.format(Locale.ROOT, "%,d", m.records()))
            .append(" | ").append(String.format(Locale.ROOT, "%,d", m.scored()))
            .append(" | ").append(String.format(Locale.ROOT, "%.3f", m.seconds()))
            .append(" | ").append(Format.rate(m.recordsPerSecond()))
            .append(" |\n");
      }
      s.append('\n');
    }
    s.append("The same figures as CSV: [").append(Report.CSV).append("](").append(Report.CSV).append(").\n");
    return s.toString();
  }

  /** Text safe inside a table cell: no pipes, no line breaks. */
  static String cell(String text) {
    return text.replace("|", "\\|").lines().collect(Collectors.joining(" "));
  }
}

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
            + " baselines come from the same run as the figure.\n\n");

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

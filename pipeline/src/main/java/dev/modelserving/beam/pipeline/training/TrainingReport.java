package dev.modelserving.beam.pipeline.training;

import dev.modelserving.beam.training.TrainModels;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** Reads the trainer's counters of a run and prints their totals. */
public final class TrainingReport {
  private TrainingReport() {}

  /** Counter totals by name, e.g. {@code wine/examples -> 4000}; empty when the runner cannot report them. */
  public static Map<String, Long> counters(PipelineResult result) {
    Map<String, Long> totals = new TreeMap<>();
    try {
      for (MetricResult<Long> c : result.metrics().queryMetrics(MetricsFilter.builder()
          .addNameFilter(MetricNameFilter.inNamespace(TrainModels.METRICS_NAMESPACE)).build()).getCounters()) {
        totals.merge(c.getName().getName(), c.getAttempted() == null ? 0L : c.getAttempted(), Long::sum);
      }
    } catch (RuntimeException e) {
      return Map.of();
    }
    return totals;
  }

  /** Prints the totals, one per line, then how the records that reached the trainer split. */
  public static void print(Map<String, Long> totals, PrintStream out) {
    if (totals.isEmpty()) {
      out.println("No training metrics came back from the runner (a detached Flink job reports them in its web UI).");
      return;
    }
    out.println("== Training metrics (" + TrainModels.METRICS_NAMESPACE + ")");
    totals.forEach((name, value) -> out.printf("  %-40s %d%n", name, value));
    long examples = sum(totals, "examples");
    long holdout = sum(totals, "holdout");
    long failures = sum(totals, "failures");
    out.printf("  records read %d = trained on %d + held out %d + failures %d%n", examples + holdout + failures,
        examples, holdout, failures);
  }

  private static long sum(Map<String, Long> totals, String event) {
    return totals.entrySet().stream().filter(e -> e.getKey().endsWith("/" + event)).mapToLong(Map.Entry::getValue).sum();
  }
}

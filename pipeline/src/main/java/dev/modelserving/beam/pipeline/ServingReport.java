package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.serving.ServingMetrics;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** Reads the serving counters of a pipeline run and prints their totals. */
public final class ServingReport {
  private ServingReport() {}

  /**
   * Counter totals by name, e.g. {@code wine/scored -> 1990} and, under a serving policy, {@code
   * wine/wine-tree@3/won -> 1200}; attempted values, summed over steps.
   */
  public static Map<String, Long> counters(PipelineResult result) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.inNamespace(ServingMetrics.NAMESPACE))
        .build());
    Map<String, Long> totals = new TreeMap<>();
    for (MetricResult<Long> counter : metrics.getCounters()) {
      Long value = counter.getAttempted();
      totals.merge(counter.getName().getName(), value == null ? 0L : value, Long::sum);
    }
    return totals;
  }

  /** {@link #counters}, or an empty map when the runner cannot report them (e.g. a cancelled Flink job). */
  public static Map<String, Long> countersIfAvailable(PipelineResult result) {
    try {
      return counters(result);
    } catch (RuntimeException e) {
      return Map.of();
    }
  }

  /** Prints the totals of a run, one counter per line, and whether the counts balance. */
  public static void print(PipelineResult result, PrintStream out) {
    print(countersIfAvailable(result), out);
  }

  /**
   * Prints counter totals, one per line (the data types' first, then each model's under a policy),
   * and whether records in = scored + review + dead-lettered + unserved.
   */
  public static void print(Map<String, Long> totals, PrintStream out) {
    print(totals, out, true);
  }

  /**
   * {@link #print(Map, PrintStream)}; without {@code perModel}, the per-model counters are left out
   * and only their model versions counted (for a run that served hundreds of versions).
   */
  public static void print(Map<String, Long> totals, PrintStream out, boolean perModel) {
    if (totals.isEmpty()) {
      out.println("No serving metrics came back from the runner (a detached Flink job reports them in its web UI).");
      return;
    }
    out.println("== Serving metrics (" + ServingMetrics.NAMESPACE + ")");
    totals.forEach((name, value) -> {
      if (!isModelCounter(name)) {
        out.printf("  %-40s %d%n", name, value);
      }
    });
    long versions = totals.keySet().stream().filter(ServingReport::isModelCounter)
        .map(name -> name.substring(0, name.lastIndexOf('/'))).distinct().count();
    if (!perModel && versions > 0) {
      out.printf("  per model: the counters of %d model versions are left out%n", versions);
    } else if (versions > 0) {
      out.println("  per model (<dataType>/<model>@<version>/<event>):");
      totals.forEach((name, value) -> {
        if (isModelCounter(name)) {
          out.printf("    %-50s %d%n", name, value);
        }
      });
    }
    long in = sum(totals, ServingMetrics.RECEIVED);
    long scored = sum(totals, ServingMetrics.SCORED);
    long review = sum(totals, ServingMetrics.REVIEW);
    long dead = sum(totals, ServingMetrics.DEAD_LETTERED);
    long unserved = sum(totals, ServingMetrics.UNSERVED);
    out.printf("  records in %d = scored %d + review %d + dead-lettered %d + unserved %d%s%n", in, scored, review, dead,
        unserved, in == scored + review + dead + unserved ? "" : "  (the rest are still held, waiting for a model)");
  }

  /** The total of {@code event} over the data types ({@code <dataType>/<event>}), not counting per-model counters. */
  static long sum(Map<String, Long> totals, String event) {
    return totals.entrySet().stream()
        .filter(e -> e.getKey().endsWith("/" + event) && !isModelCounter(e.getKey()))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /**
   * True for a model's counter, {@code <dataType>/<model>@<version>/<event>}: a data type counter
   * ({@code <dataType>/<event>}) has no '@' after its data type.
   */
  static boolean isModelCounter(String name) {
    int first = name.indexOf('/');
    int last = name.lastIndexOf('/');
    return first >= 0 && last > first && name.substring(first + 1, last).indexOf('@') >= 0;
  }
}

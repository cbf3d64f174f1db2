package dev.modelserving.beam.benchmarks.report;

import java.util.Objects;

/**
 * A latency figure: percentiles of a set of durations in milliseconds, e.g. per-record latency at
 * an offered rate, or the time from publishing a model to the first record it scored.
 *
 * @param suite the way of measuring, e.g. {@link Suites#LATENCY}
 * @param variant what distinguishes rows within a suite, e.g. "keyed, 50% of 300,000/s"
 * @param model the model id (or "kafka" for the broker's own reference rows)
 * @param parallelism Flink parallelism
 * @param offeredRate records a second offered to the pipeline (NaN when not a rate)
 * @param achievedRate records a second measured over the window (NaN when not a rate)
 * @param count how many durations the percentiles are of
 * @param p50 the median, in milliseconds
 * @param p99 the 99th percentile, in milliseconds
 * @param p999 the 99.9th percentile, in milliseconds (NaN when there are too few samples)
 * @param max the largest, in milliseconds
 * @param notes how it was measured, in a few words
 */
public record LatencyResult(
    String suite,
    String variant,
    String model,
    int parallelism,
    double offeredRate,
    double achievedRate,
    long count,
    double p50,
    double p99,
    double p999,
    double max,
    String notes) {

  public LatencyResult {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(model, "model");
    notes = notes == null ? "" : notes;
  }

  /** A row for a set of durations summarised by {@code summary}. */
  public static LatencyResult of(String suite, String variant, String model, int parallelism,
      double offeredRate, double achievedRate, LatencySummary summary, String notes) {
    return new LatencyResult(suite, variant, model, parallelism, offeredRate, achievedRate, summary.count(),
        summary.p50(), summary.p99(), summary.p999(), summary.max(), notes);
  }

  /** The suite and the variant, e.g. "latency: keyed, 50%". */
  public String label() {
    return variant.isEmpty() ? suite : suite + ": " + variant;
  }
}

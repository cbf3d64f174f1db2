package dev.modelserving.beam.benchmarks.report;

/**
 * Percentiles of a set of durations, in milliseconds; NaN where there were too few samples for
 * the percentile to mean anything (no samples at all, or fewer than 1,000 for the 99.9th).
 */
public record LatencySummary(long count, double p50, double p99, double p999, double max) {
  /** Samples needed before a 99.9th percentile is reported: with fewer, it is just the maximum. */
  public static final long MIN_FOR_P999 = 1_000;

  /** The summary of no samples. */
  public static LatencySummary empty() {
    return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }
}

package dev.modelserving.beam.benchmarks.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Throughput with start-up cancelled out: runs of two sizes, {@code n1 < n2}, take {@code t1} and
 * {@code t2}, and the throughput is {@code (n2 - n1) / (t2 - t1)}, with {@code t1} and {@code t2}
 * the medians of the repeated runs. Job submission, model loading and JIT warm-up cost both runs
 * about the same, so they drop out of the difference.
 *
 * @param recordsPerSecond the marginal throughput, NaN when the larger runs were not slower
 * @param low the lowest marginal throughput of a single pair of runs (repeat i of each size)
 * @param high the highest marginal throughput of a single pair of runs
 * @param note empty, or why the figure could not be computed
 */
public record MarginalThroughput(double recordsPerSecond, double low, double high, String note) {

  /**
   * The marginal throughput of repeated runs of {@code n1} and {@code n2} records.
   *
   * @param seconds1 the times of the runs of {@code n1} records
   * @param seconds2 the times of the runs of {@code n2} records, as many as {@code seconds1}
   */
  public static MarginalThroughput of(long n1, List<Double> seconds1, long n2, List<Double> seconds2) {
    if (n1 < 0 || n2 <= n1) {
      throw new IllegalArgumentException(
          "the two run sizes must satisfy 0 <= n1 < n2, were " + n1 + " and " + n2);
    }
    if (seconds1.isEmpty() || seconds1.size() != seconds2.size()) {
      throw new IllegalArgumentException(
          "need the same number (at least one) of runs of each size, had " + seconds1.size()
              + " and " + seconds2.size());
    }
    List<Double> pairs = new ArrayList<>();
    for (int i = 0; i < seconds1.size(); i++) {
      double dt = seconds2.get(i) - seconds1.get(i);
      if (dt > 0) {
        pairs.add((n2 - n1) / dt);
      }
    }
    double low = pairs.isEmpty() ? Double.NaN : pairs.stream().mapToDouble(d -> d).min().getAsDouble();
    double high = pairs.isEmpty() ? Double.NaN : pairs.stream().mapToDouble(d -> d).max().getAsDouble();
    double dt = Stats.median(seconds2) - Stats.median(seconds1);
    if (dt <= 0) {
      return new MarginalThroughput(Double.NaN, low, high, String.format(
          java.util.Locale.ROOT,
          "not measurable: %d records took no longer than %d (median %.3f s vs %.3f s); use larger sizes",
          n2, n1, Stats.median(seconds2), Stats.median(seconds1)));
    }
    return new MarginalThroughput((n2 - n1) / dt, low, high, "");
  }

  /** Whether the figure could be computed. */
  public boolean isValid() {
    return !Double.isNaN(recordsPerSecond);
  }
}

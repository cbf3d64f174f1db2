package dev.modelserving.beam.benchmarks.report;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics of small samples. */
public final class Stats {
  private Stats() {}

  /** The median: the middle value, or the mean of the two middle values. */
  public static double median(Collection<Double> values) {
    return percentile(values, 50);
  }

  /**
   * The {@code p}-th percentile (0 to 100) by linear interpolation between the closest ranks, the
   * definition of NumPy's default and of Excel's PERCENTILE.INC.
   */
  public static double percentile(Collection<Double> values, double p) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values to take a percentile of");
    }
    if (p < 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be between 0 and 100, was " + p);
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    double rank = p / 100 * (sorted.length - 1);
    int below = (int) Math.floor(rank);
    int above = (int) Math.ceil(rank);
    return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
  }
}

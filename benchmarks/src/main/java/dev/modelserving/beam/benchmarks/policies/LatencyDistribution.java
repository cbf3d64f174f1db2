package dev.modelserving.beam.benchmarks.policies;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A discrete distribution of call latencies, drawn reproducibly: call {@code k} of a model takes
 * {@link #nanosOf(long) nanosOf(k)}, a pure function of the seed and {@code k}, so the same seed
 * gives the same sequence of latencies whatever threads make the calls and in whatever order.
 *
 * <p>Written as comma-separated {@code latency:weight} pairs, e.g. {@code 2ms:90,40ms:10} (90% of
 * calls take 2 ms, 10% take 40 ms). Latencies take the units {@code ms} (the default), {@code us}
 * or {@code s}; weights are relative and need not add up to 100.
 */
public final class LatencyDistribution implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private final long[] nanos;
  private final double[] cumulative;
  private final long seed;
  private final String spec;

  private LatencyDistribution(long[] nanos, double[] weights, long seed, String spec) {
    this.nanos = nanos;
    this.cumulative = new double[weights.length];
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      cumulative[i] = sum / total;
    }
    cumulative[weights.length - 1] = 1.0;
    this.seed = seed;
    this.spec = spec;
  }

  /** The distribution written as {@code spec} ({@code 2ms:90,40ms:10}), drawn with {@code seed}. */
  public static LatencyDistribution parse(String spec, long seed) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("a latency distribution needs at least one latency:weight pair");
    }
    List<Long> latencies = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (String pair : spec.split(",")) {
      String p = pair.trim();
      int colon = p.lastIndexOf(':');
      String latency = colon < 0 ? p : p.substring(0, colon).trim();
      double weight;
      try {
        weight = colon < 0 ? 1 : Double.parseDouble(p.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a weight in '" + p + "' (write latency:weight, e.g. 40ms:10)");
      }
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("weights must be above 0, was " + weight + " in '" + p + "'");
      }
      latencies.add(nanos(latency));
      weights.add(weight);
    }
    return new LatencyDistribution(latencies.stream().mapToLong(Long::longValue).toArray(),
        weights.stream().mapToDouble(Double::doubleValue).toArray(), seed, spec.trim());
  }

  /** A latency with its unit: "2ms", "500us", "1.5s"; a plain number is milliseconds. */
  static long nanos(String latency) {
    String l = latency.trim().toLowerCase(Locale.ROOT);
    double scale = 1e6;
    if (l.endsWith("ms")) {
      l = l.substring(0, l.length() - 2);
    } else if (l.endsWith("us")) {
      scale = 1e3;
      l = l.substring(0, l.length() - 2);
    } else if (l.endsWith("s")) {
      scale = 1e9;
      l = l.substring(0, l.length() - 1);
    }
    try {
      double v = Double.parseDouble(l.trim());
      if (v >= 0 && !Double.isInfinite(v)) {
        return Math.round(v * scale);
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("not a latency: '" + latency + "' (write e.g. 2ms, 500us or 1s)");
  }

  /** The latency of call {@code call} (0, 1, 2, ...), in nanoseconds. */
  public long nanosOf(long call) {
    double u = uniform(seed, call);
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return nanos[i];
      }
    }
    return nanos[nanos.length - 1];
  }

  /** The share of calls (0 to 1) that take longer than {@code limitNanos}. */
  public double shareAbove(long limitNanos) {
    double share = 0;
    double below = 0;
    for (int i = 0; i < nanos.length; i++) {
      if (nanos[i] > limitNanos) {
        share += cumulative[i] - below;
      }
      below = cumulative[i];
    }
    return share;
  }

  /** The mean latency, in nanoseconds. */
  public double meanNanos() {
    double mean = 0;
    double below = 0;
    for (int i = 0; i < nanos.length; i++) {
      mean += (cumulative[i] - below) * nanos[i];
      below = cumulative[i];
    }
    return mean;
  }

  /** The seed the latencies are drawn with. */
  public long seed() {
    return seed;
  }

  /** The distribution as it was written. */
  public String spec() {
    return spec;
  }

  /** In words: "90% 2 ms, 10% 40 ms". */
  public String describe() {
    StringBuilder s = new StringBuilder();
    double below = 0;
    for (int i = 0; i < nanos.length; i++) {
      s.append(i == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "%.4g%% %s", 100 * (cumulative[i] - below), millis(nanos[i])));
      below = cumulative[i];
    }
    return s.toString().replaceAll("\\.?0+%", "%");
  }

  private static String millis(long nanos) {
    double ms = nanos / 1e6;
    return (ms == Math.rint(ms) ? String.format(Locale.ROOT, "%d", (long) ms)
        : new java.math.BigDecimal(String.format(Locale.ROOT, "%.3g", ms)).stripTrailingZeros().toPlainString())
        + " ms";
  }

  /** A uniform number in [0, 1) for draw {@code index} of {@code seed}: SplitMix64's output function. */
  static double uniform(long seed, long index) {
    long z = seed + (index + 1) * GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatencyDistribution
        && seed == ((LatencyDistribution) o).seed
        && Arrays.equals(nanos, ((LatencyDistribution) o).nanos)
        && Arrays.equals(cumulative, ((LatencyDistribution) o).cumulative);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(nanos) + Long.hashCode(seed);
  }

  @Override
  public String toString() {
    return describe() + " (seed " + seed + ")";
  }
}

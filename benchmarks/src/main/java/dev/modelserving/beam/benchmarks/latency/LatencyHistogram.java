package dev.modelserving.beam.benchmarks.latency;

import dev.modelserving.beam.benchmarks.report.LatencySummary;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of durations in microseconds, safe to record into from many threads at once, with
 * bounded memory however many samples it takes.
 *
 * <p>Buckets are exact below {@value #EXACT_BELOW} µs; above, each power of two is cut into
 * {@value #SUB_BUCKETS} equal buckets, so a bucket is at most 1/{@value #SUB_BUCKETS} (under 0.8%)
 * of the values in it wide. A percentile is the <em>nearest rank</em> (the smallest recorded value
 * that at least p% of the samples do not exceed), reported as the upper end of its bucket, and never
 * above the largest value recorded: so it is exact below {@value #EXACT_BELOW} µs and at most 0.8%
 * high above.
 */
public final class LatencyHistogram {
  /** Buckets per power of two above {@link #EXACT_BELOW}. */
  static final int SUB_BUCKETS = 128;
  /** Values below this many microseconds have a bucket each. */
  static final long EXACT_BELOW = 2L * SUB_BUCKETS;
  private static final int SUB_BITS = Integer.numberOfTrailingZeros(SUB_BUCKETS);
  private static final int BUCKETS = (65 - SUB_BITS) * SUB_BUCKETS; // the largest long has index 56 * 128 + 255

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong max = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);

  /** Records one duration in microseconds; negative durations count as 0. */
  public void recordMicros(long micros) {
    long v = Math.max(0, micros);
    counts.incrementAndGet(index(v));
    count.incrementAndGet();
    max.accumulateAndGet(v, Math::max);
    min.accumulateAndGet(v, Math::min);
  }

  /** Records one duration in nanoseconds (rounded down to microseconds). */
  public void recordNanos(long nanos) {
    recordMicros(nanos / 1_000);
  }

  /** Samples recorded. */
  public long count() {
    return count.get();
  }

  /** The largest value recorded, in microseconds (0 when empty). */
  public long maxMicros() {
    return count() == 0 ? 0 : max.get();
  }

  /** The smallest value recorded, in microseconds (0 when empty). */
  public long minMicros() {
    return count() == 0 ? 0 : min.get();
  }

  /**
   * The {@code p}-th percentile (0 < p <= 100) in microseconds by nearest rank; 0 when empty.
   * Read while others record, it describes some moment of the recording.
   */
  public long percentileMicros(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("a percentile is above 0 and at most 100, was " + p);
    }
    long total = 0;
    long[] snapshot = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      snapshot[i] = counts.get(i);
      total += snapshot[i];
    }
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(p / 100 * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += snapshot[i];
      if (seen >= Math.max(1, rank)) {
        return Math.min(upperBound(i), maxMicros());
      }
    }
    return maxMicros();
  }

  /** p50, p99, p99.9 and the maximum in milliseconds; p99.9 only from {@link LatencySummary#MIN_FOR_P999} samples. */
  public LatencySummary summary() {
    long n = count();
    if (n == 0) {
      return LatencySummary.empty();
    }
    return new LatencySummary(n,
        percentileMicros(50) / 1e3,
        percentileMicros(99) / 1e3,
        n >= LatencySummary.MIN_FOR_P999 ? percentileMicros(99.9) / 1e3 : Double.NaN,
        maxMicros() / 1e3);
  }

  /** The bucket of a value. */
  static int index(long v) {
    if (v < EXACT_BELOW) {
      return (int) v;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS + 1
    int shift = exponent - SUB_BITS;
    int mantissa = (int) (v >>> shift); // in [SUB_BUCKETS, 2 * SUB_BUCKETS)
    return shift * SUB_BUCKETS + mantissa;
  }

  /** The largest value of a bucket. */
  static long upperBound(int index) {
    if (index < EXACT_BELOW) {
      return index;
    }
    int shift = index / SUB_BUCKETS - 1;
    long mantissa = index % SUB_BUCKETS + SUB_BUCKETS;
    long lower = mantissa << shift;
    return lower + (1L << shift) - 1;
  }
}

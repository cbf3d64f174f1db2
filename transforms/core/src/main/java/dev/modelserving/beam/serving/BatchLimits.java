package dev.modelserving.beam.serving;

import java.io.Serializable;
import org.joda.time.Duration;

/**
 * How {@link ServeModels} groups records into batches: at most {@link #getMax()} records per model
 * call; in keyed mode a batch smaller than {@link #getMin()} waits in state for more; no record
 * waits longer than {@link #getMaxWait()} for its batch to fill.
 */
public final class BatchLimits implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Default smallest batch: 1 (score what has arrived, for the lowest latency). */
  public static final int DEFAULT_MIN = 1;
  /** Default largest batch: 500 records. */
  public static final int DEFAULT_MAX = 500;
  /** Default longest wait for a batch to fill: 10 ms. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.millis(10);

  private final int min;
  private final int max;
  private final Duration maxWait;

  private BatchLimits(int min, int max, Duration maxWait) {
    this.min = min;
    this.max = max;
    this.maxWait = maxWait;
  }

  static BatchLimits defaults() {
    return new BatchLimits(DEFAULT_MIN, DEFAULT_MAX, DEFAULT_MAX_WAIT);
  }

  BatchLimits withSize(int min, int max) {
    if (min < 1) {
      throw new IllegalArgumentException("withBatchSize needs a minimum of at least 1, was " + min);
    }
    if (max < min) {
      throw new IllegalArgumentException(
          "withBatchSize needs max >= min, was min " + min + ", max " + max);
    }
    return new BatchLimits(min, max, maxWait);
  }

  BatchLimits withMaxWait(Duration maxWait) {
    if (maxWait == null || maxWait.isShorterThan(Duration.millis(1))) {
      throw new IllegalArgumentException("withMaxBatchWait needs at least 1 ms, was " + maxWait);
    }
    return new BatchLimits(min, max, maxWait);
  }

  public int getMin() {
    return min;
  }

  public int getMax() {
    return max;
  }

  public Duration getMaxWait() {
    return maxWait;
  }

  long maxWaitNanos() {
    return maxWait.getMillis() * 1_000_000L;
  }

  @Override
  public String toString() {
    return "batches of " + min + ".." + max + " records, waiting at most " + maxWait.getMillis() + " ms";
  }
}

package dev.modelserving.beam.serving;

import java.io.Serializable;
import org.joda.time.Duration;

/**
 * What {@link ServeModels} does with a record whose data type has no model yet.
 *
 * <ul>
 *   <li>{@link #hold(int, Duration)} (the default, 10,000 records for 5 minutes per key): keep the
 *       records in state and score them when the first model arrives. Records past the bound, or
 *       still waiting when the time is up or the input ends, go to the unserved output.
 *   <li>{@link #emitUnserved()}: send each such record to the unserved output at once.
 * </ul>
 *
 * <p>Either way nothing is lost: every record is scored, dead-lettered or unserved.
 */
public final class NoModelPolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int maxHeldRecords;
  private final Duration maxHoldTime;

  private NoModelPolicy(int maxHeldRecords, Duration maxHoldTime) {
    this.maxHeldRecords = maxHeldRecords;
    this.maxHoldTime = maxHoldTime;
  }

  /** Holds up to {@code maxRecords} records per serving key for at most {@code maxTime}. */
  public static NoModelPolicy hold(int maxRecords, Duration maxTime) {
    if (maxRecords <= 0) {
      throw new IllegalArgumentException("maxRecords must be positive, was " + maxRecords);
    }
    if (maxTime == null || !maxTime.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("maxTime must be positive, was " + maxTime);
    }
    return new NoModelPolicy(maxRecords, maxTime);
  }

  /** Sends records that arrive before any model straight to the unserved output. */
  public static NoModelPolicy emitUnserved() {
    return new NoModelPolicy(0, Duration.ZERO);
  }

  /** The default: hold 10,000 records per key for up to 5 minutes. */
  public static NoModelPolicy defaultPolicy() {
    return hold(10_000, Duration.standardMinutes(5));
  }

  public boolean holds() {
    return maxHeldRecords > 0;
  }

  public int getMaxHeldRecords() {
    return maxHeldRecords;
  }

  public Duration getMaxHoldTime() {
    return maxHoldTime;
  }

  @Override
  public String toString() {
    return holds()
        ? "hold(" + maxHeldRecords + " records, " + maxHoldTime + ")"
        : "emitUnserved";
  }
}

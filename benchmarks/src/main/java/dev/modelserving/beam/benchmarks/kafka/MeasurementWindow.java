package dev.modelserving.beam.benchmarks.kafka;

import dev.modelserving.beam.benchmarks.latency.LatencyHistogram;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The records a measurement is about, those due in {@code [startNanos, endNanos)}, and what
 * happened to them: how many the load generator sent, how many came out of the pipeline, and their
 * latencies, overall and by quarter of the window (a latency that grows from quarter to quarter
 * means the pipeline is falling behind).
 */
public final class MeasurementWindow {
  private final long startNanos;
  private final long endNanos;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final LatencyHistogram all = new LatencyHistogram();
  private final LatencyHistogram[] quarters = {
    new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()
  };

  public MeasurementWindow(long startNanos, long endNanos) {
    if (endNanos <= startNanos) {
      throw new IllegalArgumentException("a window must end after it starts");
    }
    this.startNanos = startNanos;
    this.endNanos = endNanos;
  }

  /** A window from now for {@code seconds}. */
  public static MeasurementWindow startingNow(double seconds) {
    long now = System.nanoTime();
    return new MeasurementWindow(now, now + (long) (seconds * 1e9));
  }

  /** Whether a record due at {@code dueNanos} belongs to the window. */
  public boolean contains(long dueNanos) {
    return dueNanos >= startNanos && dueNanos < endNanos;
  }

  /** The generator sent a record due at {@code dueNanos}. */
  public void sent(long dueNanos) {
    if (contains(dueNanos)) {
      sent.incrementAndGet();
    }
  }

  /** A record due at {@code dueNanos} came out at {@code nowNanos}. */
  public void received(long dueNanos, long nowNanos) {
    if (contains(dueNanos)) {
      received.incrementAndGet();
      all.recordNanos(nowNanos - dueNanos);
      quarters[quarter(dueNanos)].recordNanos(nowNanos - dueNanos);
    }
  }

  int quarter(long dueNanos) {
    return (int) Math.min(3, (dueNanos - startNanos) * 4 / (endNanos - startNanos));
  }

  public long sent() {
    return sent.get();
  }

  public long received() {
    return received.get();
  }

  public LatencyHistogram latencies() {
    return all;
  }

  /** The latencies of the records due in quarter {@code q} (0 to 3) of the window. */
  public LatencyHistogram quarter(int q) {
    return quarters[q];
  }

  public double seconds() {
    return (endNanos - startNanos) / 1e9;
  }

  public long endNanos() {
    return endNanos;
  }
}

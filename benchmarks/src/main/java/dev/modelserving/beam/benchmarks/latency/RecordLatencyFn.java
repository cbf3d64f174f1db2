package dev.modelserving.beam.benchmarks.latency;

import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.record.ScoredRecord;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * Right after {@code ServeModels}: records, per scored record, now minus the time the record was
 * due ({@link TimedIds}) into a {@linkplain LatencyCollectors per-JVM collector}, and drops
 * the record.
 */
public final class RecordLatencyFn extends DoFn<ScoredRecord<DataRecord>, Void> {
  private final String collector;
  private transient AtomicReference<LatencyHistogram> slot;

  public RecordLatencyFn(String collector) {
    this.collector = collector;
  }

  @Setup
  public void setup() {
    slot = LatencyCollectors.slotOrDiscard(collector);
  }

  @ProcessElement
  public void process(@Element ScoredRecord<DataRecord> scored) {
    long now = System.nanoTime();
    slot.get().recordNanos(now - TimedIds.dueNanos(scored.getInput().getId()));
  }
}

package dev.modelserving.beam.serving;

import dev.modelserving.beam.record.DeadLetter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Routes records to their data type and packs them into {@link RecordBatch}es where they are read,
 * before any shuffle: a batch leaves when it holds the maximum batch size, when its oldest record
 * has waited the maximum batch wait (checked as records arrive), and at the end of every bundle,
 * so no record outlives its bundle here. Each batch goes to the next shard of its data type.
 * Records without a (served) data type are dead letters.
 *
 * <p>A record at a trickle waits for its bundle to end, so bundles must end often: keep the
 * runner's bundle time below the maximum batch wait (on Flink, {@code --maxBundleTimeMills}; its
 * default is a second), and do not fuse this step behind a step that runs long for one element
 * (such as a bounded read of an unbounded source): put a {@code Reshuffle} between them.
 */
final class PackBatchesFn<T> extends DoFn<T, KV<KV<String, Integer>, RecordBatch<T>>> {
  private final ServingConfig<T> config;
  private final TupleTag<KV<KV<String, Integer>, RecordBatch<T>>> batches;
  private final TupleTag<DeadLetter> deadLetters;
  private transient ServingMetrics metrics;
  private transient Map<String, Packing<T>> packings;
  private transient long maxWaitNanos;

  PackBatchesFn(ServingConfig<T> config, TupleTag<KV<KV<String, Integer>, RecordBatch<T>>> batches,
      TupleTag<DeadLetter> deadLetters) {
    this.config = config;
    this.batches = batches;
    this.deadLetters = deadLetters;
  }

  @Setup
  public void setup() {
    metrics = new ServingMetrics();
    packings = new HashMap<>();
    maxWaitNanos = config.batchLimits.maxWaitNanos();
  }

  @ProcessElement
  public void process(@Element T record, @Timestamp Instant timestamp, MultiOutputReceiver out) {
    String dataType = route(record, out);
    if (dataType == null) {
      return;
    }
    Packing<T> packing = packings.get(dataType);
    if (packing == null) {
      packing = new Packing<>(dataType, config.shardKeys.ids(dataType));
      packings.put(dataType, packing);
    }
    long now = System.nanoTime();
    if (!packing.isEmpty() && now - packing.startedNanos >= maxWaitNanos) {
      emit(packing, out);
    }
    packing.add(record, timestamp.getMillis(), now);
    if (packing.size() >= config.batchLimits.getMax()) {
      emit(packing, out);
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    for (Packing<T> packing : packings.values()) {
      if (!packing.isEmpty()) {
        RecordBatch<T> batch = packing.take(metrics);
        context.output(batches, KV.of(KV.of(batch.dataType(), packing.nextShard()), batch),
            batch.minTimestamp(), GlobalWindow.INSTANCE);
      }
    }
  }

  /**
   * Batches carry the timestamps of their records and leave with the earliest one, which may be
   * earlier than the record being processed. Serving state lives in the global window, where this
   * makes no record late.
   */
  @Override
  @SuppressWarnings("deprecation")
  public Duration getAllowedTimestampSkew() {
    return Duration.millis(Long.MAX_VALUE);
  }

  private void emit(Packing<T> packing, MultiOutputReceiver out) {
    RecordBatch<T> batch = packing.take(metrics);
    out.get(batches).outputWithTimestamp(
        KV.of(KV.of(batch.dataType(), packing.nextShard()), batch), batch.minTimestamp());
  }

  /** The record's data type, or null after dead-lettering a record that has none or an unknown one. */
  private String route(T record, MultiOutputReceiver out) {
    String dataType;
    try {
      dataType = config.dataTypeFn.apply(record);
    } catch (RuntimeException e) {
      reject(record, null, "cannot determine the record's data type: " + e, out);
      return null;
    }
    if (dataType == null || dataType.isEmpty()) {
      reject(record, null, "the record has no data type", out);
      return null;
    }
    if (config.dataTypes != null && !config.dataTypes.contains(dataType)) {
      reject(record, dataType, "unknown data type '" + dataType + "'; served data types are " + config.dataTypes, out);
      return null;
    }
    return dataType;
  }

  private void reject(T record, String dataType, String reason, MultiOutputReceiver out) {
    String counted = config.dataTypes != null && !config.dataTypes.contains(dataType) ? null : dataType;
    metrics.of(counted).received.inc();
    metrics.of(counted).deadLettered.inc();
    out.get(deadLetters).output(DeadLetter.now(config.payloadOf(record), dataType, DeadLetter.Stage.ROUTE, reason));
  }

  /** The batch being packed for one data type, and the shard its next batch goes to. */
  private static final class Packing<T> {
    final String dataType;
    final int[] shardIds;
    List<T> records = new ArrayList<>();
    long[] timestamps = new long[16];
    long startedNanos;
    int shard;

    Packing(String dataType, int[] shardIds) {
      this.dataType = dataType;
      this.shardIds = shardIds;
      this.shard = shardIds.length <= 1 ? 0 : ThreadLocalRandom.current().nextInt(shardIds.length);
    }

    boolean isEmpty() {
      return records.isEmpty();
    }

    int size() {
      return records.size();
    }

    void add(T record, long timestampMillis, long nowNanos) {
      int n = records.size();
      if (n == 0) {
        startedNanos = nowNanos;
      }
      if (n == timestamps.length) {
        timestamps = java.util.Arrays.copyOf(timestamps, n * 2);
      }
      timestamps[n] = timestampMillis;
      records.add(record);
    }

    RecordBatch<T> take(ServingMetrics metrics) {
      RecordBatch<T> batch = new RecordBatch<>(dataType, records, java.util.Arrays.copyOf(timestamps, records.size()));
      metrics.of(dataType).received.inc(batch.size());
      records = new ArrayList<>(Math.max(16, batch.size()));
      return batch;
    }

    /** The key id of the shard the next batch goes to. */
    int nextShard() {
      int s = shard;
      shard = shardIds.length <= 1 ? 0 : (shard + 1) % shardIds.length;
      return shardIds[s];
    }
  }
}

package dev.modelserving.beam.pipeline.kafka.exactlyonce;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a shard's records into batches of at most {@code maxSize} records, or what came within
 * {@code maxWait} of a batch's first record, and numbers each shard's batches 0, 1, 2, ... in
 * state, so the numbers are part of the runner's checkpoint. The writer uses them to recognise a
 * batch it already wrote.
 *
 * <p>A shard's numbering continues after the last batch Kafka has: on a fresh start (no state), and
 * when the restored state is older than the output (a job started from an older checkpoint or
 * savepoint than its last one), which is logged, since records written after that state was taken
 * are then written again.
 */
final class ShardBatcher<K, V> extends DoFn<KV<Integer, KV<K, V>>, KV<Integer, KV<Long, List<KV<K, V>>>>> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ShardBatcher.class);

  private final ExactlyOnceKafkaWrite.Spec spec;

  @StateId("records")
  private final StateSpec<BagState<KV<K, V>>> recordsSpec;

  @StateId("count")
  private final StateSpec<ValueState<Integer>> countSpec = StateSpecs.value(VarIntCoder.of());

  @StateId("nextSequence")
  private final StateSpec<ValueState<Long>> nextSequenceSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("flush")
  private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

  /** Flushes what is left when the input ends (a bounded run, or a drain). */
  @TimerId("endOfInput")
  private final TimerSpec endOfInputSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  /** Shards whose numbering this instance checked against Kafka. */
  private transient Map<Integer, Boolean> checked;

  ShardBatcher(ExactlyOnceKafkaWrite.Spec spec, Coder<KV<K, V>> recordCoder) {
    this.spec = spec;
    this.recordsSpec = StateSpecs.bag(recordCoder);
  }

  @Setup
  public void setup() {
    checked = new HashMap<>();
  }

  @ProcessElement
  public void processElement(@Element KV<Integer, KV<K, V>> element, @Timestamp Instant timestamp,
      BoundedWindow window, @StateId("records") BagState<KV<K, V>> records, @StateId("count") ValueState<Integer> count,
      @StateId("nextSequence") ValueState<Long> nextSequence, @TimerId("flush") Timer flush,
      @TimerId("endOfInput") Timer endOfInput, OutputReceiver<KV<Integer, KV<Long, List<KV<K, V>>>>> out) {
    int shard = element.getKey();
    if (!checked.containsKey(shard)) {
      continueAfterKafka(shard, nextSequence);
      checked.put(shard, true);
    }
    records.add(element.getValue());
    Integer before = count.read();
    int n = before == null ? 1 : before + 1;
    if (n == 1) {
      flush.withOutputTimestamp(timestamp).offset(spec.maxBatchWait()).setRelative();
      endOfInput.set(window.maxTimestamp());
    }
    if (n >= spec.maxBatchSize()) {
      emit(shard, records, count, nextSequence, out);
      flush.clear();
    } else {
      count.write(n);
    }
  }

  @OnTimer("flush")
  public void onFlush(@Key Integer shard, @StateId("records") BagState<KV<K, V>> records,
      @StateId("count") ValueState<Integer> count, @StateId("nextSequence") ValueState<Long> nextSequence,
      OutputReceiver<KV<Integer, KV<Long, List<KV<K, V>>>>> out) {
    emit(shard, records, count, nextSequence, out);
  }

  @OnTimer("endOfInput")
  public void onEndOfInput(@Key Integer shard, @StateId("records") BagState<KV<K, V>> records,
      @StateId("count") ValueState<Integer> count, @StateId("nextSequence") ValueState<Long> nextSequence,
      OutputReceiver<KV<Integer, KV<Long, List<KV<K, V>>>>> out) {
    emit(shard, records, count, nextSequence, out);
  }

  private void emit(int shard, BagState<KV<K, V>> records, ValueState<Integer> count, ValueState<Long> nextSequence,
      OutputReceiver<KV<Integer, KV<Long, List<KV<K, V>>>>> out) {
    List<KV<K, V>> batch = new ArrayList<>();
    records.read().forEach(batch::add);
    if (batch.isEmpty()) {
      return;
    }
    Long next = nextSequence.read();
    long sequence = next == null ? 0 : next;
    out.output(KV.of(shard, KV.of(sequence, batch)));
    nextSequence.write(sequence + 1);
    records.clear();
    count.clear();
  }

  private void continueAfterKafka(int shard, ValueState<Long> nextSequence) {
    // a crashed worker's open transaction is not waited for: its batch is below what state numbers next
    OptionalLong last = ShardProgress.lastWritten(spec.adminConfig(), spec.topic(), spec.sinkGroupId(), shard, false);
    if (last.isEmpty()) {
      return;
    }
    Long next = nextSequence.read();
    if (next == null) {
      nextSequence.write(last.getAsLong() + 1);
    } else if (next <= last.getAsLong()) {
      LOG.warn("Shard {} of the exactly-once sink of '{}' restarts from state older than its output (the next batch"
          + " would be {}, Kafka has up to {}): the job was started from an older checkpoint or savepoint than its"
          + " last, and records written since that state was taken are written again", shard, spec.topic(), next,
          last.getAsLong());
      nextSequence.write(last.getAsLong() + 1);
    }
  }
}

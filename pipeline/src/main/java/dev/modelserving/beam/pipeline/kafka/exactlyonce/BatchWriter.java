package dev.modelserving.beam.pipeline.kafka.exactlyonce;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each numbered batch of a shard in one Kafka transaction ({@link ShardTransactions}). Its
 * input must be stable ({@link RequiresStableInput}): a batch retried after a failure is the same
 * batch with the same number, so a batch whose transaction committed is recognised and skipped. On
 * Flink that means the batches of a checkpoint are written once the checkpoint completes.
 *
 * <p>The last batch written is known from Kafka (read when a shard's producer opens) and from
 * state (written after each commit), whichever is further: Kafka is ahead after a crash between a
 * commit and the next checkpoint, state when another instance of this step wrote for the shard
 * (runners that move keys between instances; its producer then fenced ours, and ours is opened
 * again). Batches come in order on runners that keep the order between two steps for a key (Flink
 * does); one that arrives ahead of a missing predecessor waits in state until it comes.
 */
final class BatchWriter<K, V> extends DoFn<KV<Integer, KV<Long, List<KV<K, V>>>>, Void> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

  private final ExactlyOnceKafkaWrite.Spec spec;
  private final Counter recordsWritten;
  private final Counter batchesWritten;
  private final Counter batchesSkipped;
  private final Distribution transactionMillis;

  @StateId("waiting")
  private final StateSpec<BagState<KV<Long, List<KV<K, V>>>>> waitingSpec;

  @StateId("lastWritten")
  private final StateSpec<ValueState<Long>> lastWrittenSpec = StateSpecs.value(VarLongCoder.of());

  private transient ShardProducers producers;
  /** The producers this instance has taken for the element it processes. */
  private transient Map<Integer, ShardTransactions<K, V>> shards;

  BatchWriter(ExactlyOnceKafkaWrite.Spec spec, Coder<KV<Long, List<KV<K, V>>>> batchCoder) {
    this.spec = spec;
    this.waitingSpec = StateSpecs.bag(batchCoder);
    String namespace = "exactly-once-sink/" + spec.topic();
    this.recordsWritten = Metrics.counter(namespace, "records-written");
    this.batchesWritten = Metrics.counter(namespace, "batches-written");
    this.batchesSkipped = Metrics.counter(namespace, "batches-already-written");
    this.transactionMillis = Metrics.distribution(namespace, "transaction-millis");
  }

  @Setup
  public void setup() {
    producers = ShardProducers.acquire(spec.sinkGroupId());
    shards = new HashMap<>();
  }

  @RequiresStableInput
  @ProcessElement
  public void processElement(@Element KV<Integer, KV<Long, List<KV<K, V>>>> element,
      @StateId("waiting") BagState<KV<Long, List<KV<K, V>>>> waiting,
      @StateId("lastWritten") ValueState<Long> lastWritten) {
    int shard = element.getKey();
    try {
      writeInOrder(shard, element.getValue(), waiting, lastWritten);
    } finally {
      ShardTransactions<K, V> tx = shards.remove(shard);
      if (tx != null) {
        producers.giveBack(shard, tx);
      }
    }
  }

  private void writeInOrder(int shard, KV<Long, List<KV<K, V>>> batch,
      BagState<KV<Long, List<KV<K, V>>>> waiting, ValueState<Long> lastWritten) {
    long last = tx(shard, lastWritten).lastWritten();
    if (batch.getKey() > last + 1) {
      LOG.warn("Shard {} of the exactly-once sink of '{}': batch {} came before batch {}; it waits for it",
          shard, spec.topic(), batch.getKey(), last + 1);
      waiting.add(batch);
      return;
    }
    write(shard, batch, lastWritten);
    List<KV<Long, List<KV<K, V>>>> held = new ArrayList<>();
    waiting.read().forEach(held::add);
    if (held.isEmpty()) {
      return;
    }
    held.sort(Comparator.comparing(KV::getKey));
    waiting.clear();
    for (KV<Long, List<KV<K, V>>> next : held) {
      if (next.getKey() <= tx(shard, lastWritten).lastWritten() + 1) {
        write(shard, next, lastWritten);
      } else {
        waiting.add(next);
      }
    }
  }

  /** The shard's producer, opened if needed, knowing what state says was written. */
  private ShardTransactions<K, V> tx(int shard, ValueState<Long> lastWritten) {
    ShardTransactions<K, V> tx = shards.get(shard);
    if (tx == null) {
      tx = producers.take(shard);
      shards.put(shard, tx != null ? tx : open(shard));
      tx = shards.get(shard);
    }
    Long recorded = lastWritten.read();
    if (recorded != null) {
      tx.writtenUpTo(recorded);
    }
    return tx;
  }

  private void write(int shard, KV<Long, List<KV<K, V>>> batch, ValueState<Long> lastWritten) {
    long start = System.nanoTime();
    ShardTransactions.Outcome outcome;
    try {
      outcome = tx(shard, lastWritten).write(batch.getKey(), batch.getValue());
    } catch (RuntimeException e) {
      close(shard);
      if (!ShardTransactions.isFenced(e)) {
        throw e;
      }
      LOG.info("Shard {} of the exactly-once sink of '{}': another producer of the shard took over; opening a new"
          + " one for batch {}", shard, spec.topic(), batch.getKey());
      try {
        outcome = tx(shard, lastWritten).write(batch.getKey(), batch.getValue());
      } catch (RuntimeException again) {
        close(shard);
        throw again;
      }
    }
    if (outcome == ShardTransactions.Outcome.WRITTEN) {
      lastWritten.write(batch.getKey());
      transactionMillis.update((System.nanoTime() - start) / 1_000_000);
      batchesWritten.inc();
      recordsWritten.inc(batch.getValue().size());
    } else {
      batchesSkipped.inc();
    }
  }

  private void close(int shard) {
    ShardTransactions<K, V> tx = shards.remove(shard);
    if (tx != null) {
      tx.close();
    }
  }

  private ShardTransactions<K, V> open(int shard) {
    ShardTransactions<K, V> tx = ShardTransactions.open(spec.topic(), shard, spec.sinkGroupId(),
        spec.producerConfig(), spec.adminConfig(), serializer(spec.keySerializer()),
        serializer(spec.valueSerializer()));
    LOG.info("Shard {} of the exactly-once sink of '{}' opened its transactional producer; last batch written: {}",
        shard, spec.topic(), tx.lastWritten() < 0 ? "none" : tx.lastWritten());
    return tx;
  }

  @SuppressWarnings("unchecked")
  private static <T> Serializer<T> serializer(Class<?> type) {
    try {
      return (Serializer<T>) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a " + type.getName(), e);
    }
  }

  @Teardown
  public void teardown() {
    if (shards != null) {
      shards.values().forEach(ShardTransactions::close);
      shards.clear();
    }
    if (producers != null) {
      producers.release();
      producers = null;
    }
  }
}

package dev.modelserving.beam.pipeline.kafka.exactlyonce;

import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.joda.time.Duration;

/**
 * Writes key/value records to a Kafka topic exactly once, with a Kafka transaction per batch of
 * records rather than per record.
 *
 * <pre>{@code
 * PCollection<KV<String, String>> scored = ...;
 * scored.apply(ExactlyOnceKafkaWrite.<String, String>to("scored-records")
 *     .withBootstrapServers("127.0.0.1:9092")
 *     .withSinkGroupId("serving-scored")
 *     .withKeySerializer(StringSerializer.class)
 *     .withValueSerializer(StringSerializer.class));
 * }</pre>
 *
 * <p>It follows the protocol of KafkaIO's exactly-once sink ({@code KafkaIO.Write#withEOS}): records
 * are spread over a fixed number of shards, each shard numbers what it writes in state, the writing
 * step requires stable input, and each transaction commits the number it wrote into a consumer
 * group's offsets, so a retried write is recognised. KafkaIO numbers and commits single records;
 * on Flink that is a transaction per record, which held the serving job's output to tens of
 * records a second. This sink numbers batches ({@link #withMaxBatchSize}, {@link
 * #withMaxBatchWait}), so a transaction carries up to a batch.
 *
 * <ul>
 *   <li>The runner must support stable input; on Flink, checkpointing must be on, and records come
 *       out when the checkpoint after them completes (the checkpoint interval adds to latency).
 *   <li>Consumers read with {@code isolation.level=read_committed}.
 *   <li>Each shard has its transactional id, {@code <sinkGroupId>-<shard>}, and keeps its progress
 *       as the offset of that consumer group on partition 0 of the topic. Two jobs must not share a
 *       sink group id: they would fence each other's producers.
 *   <li>Records with equal keys go to the same shard, in order, when the key's {@code hashCode} is
 *       the same in every JVM (strings, numbers); records without a key are spread round robin.
 * </ul>
 */
public final class ExactlyOnceKafkaWrite<K, V> extends PTransform<PCollection<KV<K, V>>, PCollection<Void>> {
  private static final long serialVersionUID = 1L;

  /** Shards unless {@link #withShards} says otherwise. */
  public static final int DEFAULT_SHARDS = 4;
  /** Records per batch at most unless {@link #withMaxBatchSize} says otherwise. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 5_000;
  /** How long a batch collects records at most unless {@link #withMaxBatchWait} says otherwise. */
  public static final Duration DEFAULT_MAX_BATCH_WAIT = Duration.millis(100);

  /** Everything the sink's steps need, in one serializable value. */
  record Spec(String topic, String bootstrapServers, String sinkGroupId, int shards, int maxBatchSize,
      Duration maxBatchWait, Class<?> keySerializer, Class<?> valueSerializer, KafkaClientConfig clients)
      implements Serializable {
    /**
     * The user's producer settings over two defaults: {@code linger.ms} 5, and {@code
     * retry.backoff.ms} 1. A transaction that begins right after the previous one committed is
     * told to retry while the broker finishes that one; with Kafka's default backoff (100 ms) every
     * transaction then took about 104 ms on the development machine's broker, with 1 ms 4.6 ms.
     * Retries back off exponentially up to {@code retry.backoff.max.ms} (1 s), so an unavailable
     * broker is not flooded. And {@code transaction.timeout.ms} 10 s (Kafka: 60 s): a transaction
     * is one batch, and one left open by a crashed worker holds back {@code read_committed}
     * consumers of its partitions until the shard's next producer fences it, or this long.
     */
    Map<String, Object> producerConfig() {
      return clients.producerConfig(bootstrapServers,
          Map.of(ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 1,
              ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000),
          Map.of(ProducerConfig.ACKS_CONFIG, "all"));
    }

    Map<String, Object> adminConfig() {
      return clients.adminConfig(bootstrapServers, Map.of());
    }
  }

  private final Spec spec;

  private ExactlyOnceKafkaWrite(Spec spec) {
    this.spec = spec;
  }

  /** A sink of {@code topic}; needs {@link #withBootstrapServers}, {@link #withSinkGroupId} and the serializers. */
  public static <K, V> ExactlyOnceKafkaWrite<K, V> to(String topic) {
    return new ExactlyOnceKafkaWrite<>(new Spec(topic, null, null, DEFAULT_SHARDS, DEFAULT_MAX_BATCH_SIZE,
        DEFAULT_MAX_BATCH_WAIT, null, null, KafkaClientConfig.none()));
  }

  public ExactlyOnceKafkaWrite<K, V> withBootstrapServers(String servers) {
    return with(new Spec(spec.topic(), servers, spec.sinkGroupId(), spec.shards(), spec.maxBatchSize(),
        spec.maxBatchWait(), spec.keySerializer(), spec.valueSerializer(), spec.clients()));
  }

  /**
   * Names the sink's transactional producers and the consumer groups that hold its progress. It
   * must stay the same across restarts of the job, and differ between sinks and jobs.
   */
  public ExactlyOnceKafkaWrite<K, V> withSinkGroupId(String sinkGroupId) {
    return with(new Spec(spec.topic(), spec.bootstrapServers(), sinkGroupId, spec.shards(), spec.maxBatchSize(),
        spec.maxBatchWait(), spec.keySerializer(), spec.valueSerializer(), spec.clients()));
  }

  /** Transactions in flight at once, at most one per shard; it may change between runs. */
  public ExactlyOnceKafkaWrite<K, V> withShards(int shards) {
    require(shards > 0, "withShards(%s): at least one shard", shards);
    return with(new Spec(spec.topic(), spec.bootstrapServers(), spec.sinkGroupId(), shards, spec.maxBatchSize(),
        spec.maxBatchWait(), spec.keySerializer(), spec.valueSerializer(), spec.clients()));
  }

  /** Records in one transaction at most. */
  public ExactlyOnceKafkaWrite<K, V> withMaxBatchSize(int records) {
    require(records > 0, "withMaxBatchSize(%s): at least one record", records);
    return with(new Spec(spec.topic(), spec.bootstrapServers(), spec.sinkGroupId(), spec.shards(), records,
        spec.maxBatchWait(), spec.keySerializer(), spec.valueSerializer(), spec.clients()));
  }

  /** How long a batch waits for more records after its first, at most (processing time). */
  public ExactlyOnceKafkaWrite<K, V> withMaxBatchWait(Duration wait) {
    require(wait != null && wait.getMillis() > 0, "withMaxBatchWait(%s): a positive duration", wait);
    return with(new Spec(spec.topic(), spec.bootstrapServers(), spec.sinkGroupId(), spec.shards(), spec.maxBatchSize(),
        wait, spec.keySerializer(), spec.valueSerializer(), spec.clients()));
  }

  public ExactlyOnceKafkaWrite<K, V> withKeySerializer(Class<? extends Serializer<K>> serializer) {
    return with(new Spec(spec.topic(), spec.bootstrapServers(), spec.sinkGroupId(), spec.shards(), spec.maxBatchSize(),
        spec.maxBatchWait(), serializer, spec.valueSerializer(), spec.clients()));
  }

  public ExactlyOnceKafkaWrite<K, V> withValueSerializer(Class<? extends Serializer<V>> serializer) {
    return with(new Spec(spec.topic(), spec.bootstrapServers(), spec.sinkGroupId(), spec.shards(), spec.maxBatchSize(),
        spec.maxBatchWait(), spec.keySerializer(), serializer, spec.clients()));
  }

  /** The user's Kafka client settings (security, timeouts) for the sink's producers and consumers. */
  public ExactlyOnceKafkaWrite<K, V> withClientConfig(KafkaClientConfig clients) {
    return with(new Spec(spec.topic(), spec.bootstrapServers(), spec.sinkGroupId(), spec.shards(), spec.maxBatchSize(),
        spec.maxBatchWait(), spec.keySerializer(), spec.valueSerializer(), clients));
  }

  private static void require(boolean condition, String message, Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(message, args));
    }
  }

  private ExactlyOnceKafkaWrite<K, V> with(Spec changed) {
    return new ExactlyOnceKafkaWrite<>(changed);
  }

  @Override
  public PCollection<Void> expand(PCollection<KV<K, V>> input) {
    require(spec.topic() != null && !spec.topic().isEmpty(), "ExactlyOnceKafkaWrite.to(topic): a topic is required");
    require(spec.bootstrapServers() != null, "ExactlyOnceKafkaWrite of '%s': withBootstrapServers() is required",
        spec.topic());
    require(spec.sinkGroupId() != null, "ExactlyOnceKafkaWrite of '%s': withSinkGroupId() is required",
        spec.topic());
    require(spec.keySerializer() != null, "ExactlyOnceKafkaWrite of '%s': withKeySerializer() is required",
        spec.topic());
    require(spec.valueSerializer() != null, "ExactlyOnceKafkaWrite of '%s': withValueSerializer() is required",
        spec.topic());
    require(input.getCoder() instanceof KvCoder,
        "ExactlyOnceKafkaWrite of '%s': the input needs a KvCoder, not %s", spec.topic(), input.getCoder());
    Coder<KV<K, V>> recordCoder = input.getCoder();
    Coder<KV<Long, List<KV<K, V>>>> batchCoder = KvCoder.of(VarLongCoder.of(), ListCoder.of(recordCoder));
    return input
        .apply("GlobalWindow", Window.into(new GlobalWindows()))
        .apply("AssignShards", ParDo.of(new AssignShard<K, V>(spec.shards())))
        .setCoder(KvCoder.of(VarIntCoder.of(), recordCoder))
        .apply("NumberedBatches", ParDo.of(new ShardBatcher<>(spec, recordCoder)))
        .setCoder(KvCoder.of(VarIntCoder.of(), batchCoder))
        .apply("WriteTransactions", ParDo.of(new BatchWriter<>(spec, batchCoder)));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("topic", spec.topic()).withLabel("Topic"))
        .addIfNotNull(DisplayData.item("bootstrapServers", spec.bootstrapServers()).withLabel("Bootstrap servers"))
        .addIfNotNull(DisplayData.item("sinkGroupId", spec.sinkGroupId()).withLabel("Sink group id"))
        .add(DisplayData.item("shards", spec.shards()).withLabel("Shards"))
        .add(DisplayData.item("maxBatchSize", spec.maxBatchSize()).withLabel("Records per transaction at most"))
        .add(DisplayData.item("maxBatchWait", spec.maxBatchWait()).withLabel("Batch wait at most"))
        .add(DisplayData.item("clientSettings", KafkaClientConfig.masked(spec.clients().producerSettings()).toString())
            .withLabel("Producer settings (secrets hidden)"));
  }

  /** A record's shard: by its key's hash, round robin without a key. */
  static final class AssignShard<K, V> extends DoFn<KV<K, V>, KV<Integer, KV<K, V>>> {
    private static final long serialVersionUID = 1L;
    private final int shards;
    private transient int next;

    AssignShard(int shards) {
      this.shards = shards;
    }

    @ProcessElement
    public void processElement(@Element KV<K, V> record, OutputReceiver<KV<Integer, KV<K, V>>> out) {
      K key = record.getKey();
      int shard = key != null ? Math.floorMod(key.hashCode(), shards) : (next = (next + 1) % shards);
      out.output(KV.of(shard, record));
    }
  }
}

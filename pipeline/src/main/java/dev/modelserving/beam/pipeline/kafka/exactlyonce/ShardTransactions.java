package dev.modelserving.beam.pipeline.kafka.exactlyonce;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One shard's transactional producer. Its {@code transactional.id} is fixed per sink and shard, so
 * opening it fences any earlier producer of the shard (a crashed worker's) and aborts that one's
 * open transaction. Each {@link #write} is one transaction: the batch's records and the batch's
 * sequence number ({@link ShardProgress}). A batch whose number is not above the last one written
 * is a replay after a failure, and is skipped.
 */
final class ShardTransactions<K, V> implements AutoCloseable {
  /** What {@link #write} did with a batch. */
  enum Outcome { WRITTEN, ALREADY_WRITTEN }

  private static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(5);

  private final String topic;
  private final int shard;
  private final KafkaProducer<K, V> producer;
  private final ConsumerGroupMetadata group;
  private long lastWritten;

  private ShardTransactions(String topic, int shard, KafkaProducer<K, V> producer, String groupId, long lastWritten) {
    this.topic = topic;
    this.shard = shard;
    this.producer = producer;
    this.group = new ConsumerGroupMetadata(groupId);
    this.lastWritten = lastWritten;
  }

  /** Opens the shard's producer (fencing earlier ones), then reads how far the shard got. */
  static <K, V> ShardTransactions<K, V> open(String topic, int shard, String sinkGroupId,
      Map<String, Object> producerConfig, Map<String, Object> adminConfig,
      Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, ShardProgress.groupId(sinkGroupId, shard));
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    KafkaProducer<K, V> producer = new KafkaProducer<>(config, keySerializer, valueSerializer);
    try {
      producer.initTransactions(); // fences earlier producers of the shard and ends their open transaction
      OptionalLong last = ShardProgress.lastWritten(adminConfig, topic, sinkGroupId, shard, true);
      return new ShardTransactions<>(topic, shard, producer, ShardProgress.groupId(sinkGroupId, shard),
          last.orElse(-1L));
    } catch (RuntimeException e) {
      producer.close();
      throw e;
    }
  }

  /** The sequence number of the last batch written, or -1 if the shard never wrote one. */
  long lastWritten() {
    return lastWritten;
  }

  /** Takes into account that batches up to {@code sequence} were written (as another writer of the shard recorded). */
  void writtenUpTo(long sequence) {
    lastWritten = Math.max(lastWritten, sequence);
  }

  /**
   * Whether {@code failure} (from {@link #write}) says that a newer producer of the shard took over:
   * this one can no longer write, and a new one must be opened.
   */
  static boolean isFenced(RuntimeException failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.ProducerFencedException
          || t instanceof org.apache.kafka.common.errors.InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }

  /** Writes the batch in one transaction unless a batch with this number or a later one was written. */
  Outcome write(long sequence, List<KV<K, V>> records) {
    if (sequence <= lastWritten) {
      return Outcome.ALREADY_WRITTEN;
    }
    producer.beginTransaction();
    try {
      for (KV<K, V> record : records) {
        producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue()));
      }
      producer.sendOffsetsToTransaction(
          Map.of(ShardProgress.partition(topic), ShardProgress.committing(sequence, topic, shard)), group);
      producer.commitTransaction();
    } catch (RuntimeException e) {
      // the producer is unusable after most failures: the caller closes it and opens a new one
      throw new IllegalStateException("could not write batch " + sequence + " of shard " + shard + " to '" + topic
          + "' in a transaction: " + e.getMessage(), e);
    }
    lastWritten = sequence;
    return Outcome.WRITTEN;
  }

  @Override
  public void close() {
    // bounded: a fenced or failed producer may hold records it will never send (Kafka's default waits without limit)
    producer.close(CLOSE_TIMEOUT);
  }
}

package dev.modelserving.beam.pipeline.demo;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows the model topic from its beginning and tells the latest version of one model that was
 * published, with its holdout accuracy: what training has published so far. Each look reads up to
 * the topic's end at that moment (at most {@link #CATCH_UP}). Used by one thread at a time;
 * commits nothing.
 */
final class PublishedVersions implements AutoCloseable {
  /** The longest one look at the topic takes: the timer's interval is a few seconds. */
  private static final Duration CATCH_UP = Duration.ofSeconds(2);

  private final KafkaConsumer<String, byte[]> consumer;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final String dataType;
  private final String name;
  private ModelDescriptor latest;

  PublishedVersions(String bootstrapServers, KafkaClientConfig clients, String topic, String dataType, String name) {
    Map<String, Object> config = clients.consumerConfig(bootstrapServers,
        Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaTopics.MAX_MODEL_MESSAGE_BYTES),
        Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    try {
      for (PartitionInfo p : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    this.dataType = dataType;
    this.name = name;
  }

  /**
   * Reads what was published since the last call and describes the latest version, e.g. {@code
   * v12 (holdout accuracy 0.640)}; null while none was published.
   */
  String latest() {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, CATCH_UP);
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    while (behind(end) && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        ModelDescriptor d = parse(r.value());
        if (d != null && ModelDescriptors.isAdd(d) && d.getDataType().equals(dataType) && d.getName().equals(name)) {
          latest = d;
        }
      }
    }
    if (latest == null) {
      return null;
    }
    Double accuracy = latest.getLineage().getHoldoutMetricsMap().get("accuracy");
    return "v" + latest.getVersion() + (accuracy == null ? "" : String.format(" (holdout accuracy %.3f)", accuracy));
  }

  /** True while the consumer has not read up to {@code end} on some partition. */
  private boolean behind(Map<TopicPartition, Long> end) {
    for (TopicPartition p : partitions) {
      if (consumer.position(p, CATCH_UP) < end.getOrDefault(p, 0L)) {
        return true;
      }
    }
    return false;
  }

  private static ModelDescriptor parse(byte[] value) {
    if (value == null) {
      return null; // a tombstone of the compacted topic
    }
    try {
      return ModelDescriptor.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      return null; // not a model message: the serving pipeline rejects it, with the reason
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}

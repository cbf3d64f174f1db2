package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.kafka.KafkaTopics.TopicSpec;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The model status stream on Kafka: every report as JSON, keyed by data type, to {@code
 * --statusTopic}. The topic is compacted with one partition: it keeps at least the latest report
 * of every data type, which is what the {@code status} command shows.
 */
final class StatusTopic {
  private StatusTopic() {}

  /** How {@code --createTopics} creates the status topic. */
  static TopicSpec spec() {
    return TopicSpec.compacted(1);
  }

  /** True unless {@code --statusTopic} is empty. */
  static boolean isOn(ServingOptions o) {
    return o.getStatusTopic() != null && !o.getStatusTopic().isEmpty();
  }

  /** Writes the reports to {@code --statusTopic}; nothing when it is empty. */
  static void write(PCollection<KV<String, String>> statusJson, ServingOptions o) {
    if (!isOn(o)) {
      return;
    }
    statusJson.apply("WriteModelStatus", KafkaIO.<String, String>write()
        .withBootstrapServers(o.getBootstrapServers())
        .withTopic(o.getStatusTopic())
        .withKeySerializer(StringSerializer.class)
        .withValueSerializer(StringSerializer.class));
  }
}

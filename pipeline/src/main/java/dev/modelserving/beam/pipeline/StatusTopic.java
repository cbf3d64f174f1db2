package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics.TopicSpec;
import java.util.Map;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

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

  private static void ensureExists(ServingOptions o, KafkaClientConfig clients) {
    if (o.getCreateTopics()) {
      KafkaTopics.ensureTopics(o.getBootstrapServers(), Map.of(o.getStatusTopic(), spec()), clients);
      return;
    }
    if (!KafkaTopics.listTopics(o.getBootstrapServers(), clients).contains(o.getStatusTopic())) {
      throw new IllegalArgumentException("--statusTopic '" + o.getStatusTopic() + "' does not exist and"
          + " --createTopics=false: create it (compacted, 1 partition), or turn the model status stream off with"
          + " --statusTopic= (empty)");
    }
  }

  /** True unless {@code --statusTopic} is empty. */
  static boolean isOn(ServingOptions o) {
    return o.getStatusTopic() != null && !o.getStatusTopic().isEmpty();
  }

  /**
   * Writes the reports to {@code --statusTopic}; nothing when it is empty. Reports go out from the
   * start, so the topic must exist: it is created when missing (unless {@code --createTopics=false},
   * which fails here, before the pipeline runs, rather than on the first report).
   *
   * @throws IllegalArgumentException if the topic is missing and may not be created
   */
  static void write(PCollection<KV<String, String>> statusJson, ServingOptions o, KafkaClientConfig clients) {
    if (!isOn(o)) {
      return;
    }
    ensureExists(o, clients);
    statusJson.apply("WriteModelStatus", KafkaServing.keyedWriter(o, o.getStatusTopic(), clients));
  }
}

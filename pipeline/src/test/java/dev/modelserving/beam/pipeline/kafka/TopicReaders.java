package dev.modelserving.beam.pipeline.kafka;

import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Test consumers of the application's text topics (output, dead letters, status). */
public final class TopicReaders {
  private TopicReaders() {}

  /**
   * A consumer of {@code topic} from its first message, in a group of its own ({@code check-<topic>}),
   * subscribed and ready to poll.
   */
  public static KafkaConsumer<String, String> fromStart(String bootstrapServers, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    c.subscribe(List.of(topic));
    return c;
  }
}

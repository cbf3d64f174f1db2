package dev.modelserving.beam.pipeline.recovery;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Every message on a model topic from its start, as {@link ModelDescriptor}s with their offset and
 * when this reader received them. Runs on a thread of its own until {@link #stop()}.
 */
final class ModelMessages implements Runnable {
  /** One model message as the consumer saw it. */
  record Message(long offset, long receivedAt, ModelDescriptor model) {
    long version() {
      return Long.parseLong(model.getVersion());
    }
  }

  private final String bootstrapServers;
  private final String topic;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ConcurrentLinkedQueue<Message> messages = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  ModelMessages(String bootstrapServers, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
  }

  /** Every message received so far, in the topic's order (it has one partition). */
  List<Message> messages() {
    return List.copyOf(messages);
  }

  /** Why reading stopped early, or null. */
  Exception failure() {
    return failure.get();
  }

  void stop() {
    running.set(false);
  }

  @Override
  public void run() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic + "-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
          messages.add(new Message(r.offset(), System.currentTimeMillis(), ModelDescriptor.parseFrom(r.value())));
        }
      }
    } catch (Exception e) {
      failure.set(e);
    }
  }
}

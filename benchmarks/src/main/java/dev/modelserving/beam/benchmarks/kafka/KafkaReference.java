package dev.modelserving.beam.benchmarks.kafka;

import dev.modelserving.beam.benchmarks.latency.LatencyHistogram;
import dev.modelserving.beam.benchmarks.report.LatencySummary;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the broker alone does on this machine, as reference rows for the end-to-end figures: the
 * load generator's producer sending wine lines as fast as it can, and one message's round trip
 * (send, acknowledgement, fetch by a consumer) at a time.
 */
public final class KafkaReference {
  private KafkaReference() {}

  /** Sends {@code n} wine lines to a new topic as fast as the producer takes them; records a second. */
  public static double producerRate(String bootstrapServers, String topic, WineCsvLines lines, long n)
      throws InterruptedException, ExecutionException {
    KafkaTopics.ensureTopics(bootstrapServers, Map.of(topic, KafkaTopics.TopicSpec.of(KafkaServingApp.PARTITIONS)));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, lines.line(-1, System.nanoTime()))).get(); // metadata and connection
      long start = System.nanoTime();
      for (long i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, lines.line(i, System.nanoTime())));
      }
      producer.flush();
      return n / ((System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * Sends {@code n} messages one at a time to a new one-partition topic; each is sent, flushed and
   * polled back by a consumer before the next. The latency is from before the send to the poll
   * that returned it.
   */
  public static LatencySummary roundTrip(String bootstrapServers, String topic, int n)
      throws InterruptedException, ExecutionException {
    KafkaTopics.ensureTopics(bootstrapServers, Map.of(topic, KafkaTopics.TopicSpec.of(1)));
    LatencyHistogram latencies = new LatencyHistogram();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(), new StringSerializer());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToEnd(List.of(partition));
      consumer.position(partition);
      producer.send(new ProducerRecord<>(topic, "warm-up")).get();
      awaitOne(consumer);
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, Integer.toString(i)));
        producer.flush();
        awaitOne(consumer);
        latencies.recordNanos(System.nanoTime() - start);
      }
    }
    return latencies.summary();
  }

  private static void awaitOne(KafkaConsumer<String, String> consumer) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int got = 0;
    while (got == 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("a message sent to the broker did not come back within 30 s");
      }
      ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
      got = records.count();
    }
  }
}

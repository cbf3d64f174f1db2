package dev.modelserving.beam.pipeline.demo;

import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes records to the data topic at a steady rate: the test data set's, looping over the file
 * ({@link #looping}), or generated ones; and mixes in a few bad records (every {@code badEvery}-th)
 * so the dead letters can be seen too.
 */
final class DemoRecordPublisher implements Runnable, AutoCloseable {
  /** Bad records, each breaking a different rule. */
  static final List<String> BAD_RECORDS = List.of(
      "this is not a wine record",
      "bad-1,wine,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,not-a-number,5",
      "bad-2,beer,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,9.4,5",
      "bad-3,wine,rose,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,9.4,5");

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final Supplier<String> records;
  private final double recordsPerSecond;
  private final int badEvery;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong sentBad = new AtomicLong();
  private volatile boolean running = true;

  /**
   * @param clients the user's Kafka client settings, over the publisher's defaults
   * @param records the next good record (a CSV line whose first field is its id) on each call
   */
  DemoRecordPublisher(String bootstrapServers, KafkaClientConfig clients, String topic, Supplier<String> records,
      double recordsPerSecond, int badEvery) {
    this.records = records;
    this.topic = topic;
    this.recordsPerSecond = recordsPerSecond;
    this.badEvery = badEvery;
    Map<String, Object> config = clients.producerConfig(bootstrapServers,
        Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), Map.of());
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  /** The records of a CSV file with a header row, over and over. */
  static Supplier<String> looping(Path csv) throws IOException {
    List<String> all = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<String> lines = all.subList(1, all.size());
    if (lines.isEmpty()) {
      throw new IOException(csv + " has no record after its header row");
    }
    int[] next = {0};
    return () -> lines.get(next[0]++ % lines.size());
  }

  @Override
  public void run() {
    long intervalNanos = (long) (1e9 / recordsPerSecond);
    long next = System.nanoTime();
    while (running) {
      long n = sent.incrementAndGet();
      String line;
      if (badEvery > 0 && n % badEvery == 0) {
        line = BAD_RECORDS.get((int) (sentBad.getAndIncrement() % BAD_RECORDS.size()));
      } else {
        line = records.get();
      }
      producer.send(new ProducerRecord<>(topic, line.substring(0, Math.max(0, line.indexOf(','))), line));
      next += intervalNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        try {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  long sent() {
    return sent.get();
  }

  long sentBad() {
    return sentBad.get();
  }

  void stop() {
    running = false;
  }

  /** Call after {@link #stop()} and after the publishing thread has ended. */
  @Override
  public void close() {
    producer.flush();
    producer.close();
  }
}

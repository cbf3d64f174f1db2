package dev.modelserving.beam.pipeline.recovery;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A steady stream of numbered records on a data topic: wine rows, cycled, whose id is replaced by
 * {@link #id(int) r-000000}, r-000001, ..., keyed by that id. Runs on a thread of its own until
 * {@link #stop()}; {@link #sent()} counts the records the broker acknowledged, in order, so record
 * ids below it were all written.
 */
public final class NumberedRecords implements Runnable {
  private final String bootstrapServers;
  private final String topic;
  private final List<String> rows;
  private final int perSecond;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private long[] sentAt = new long[1024];

  /** {@code rows}: CSV rows whose first column (the id) is replaced. */
  public NumberedRecords(String bootstrapServers, String topic, List<String> rows, int perSecond) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.rows = List.copyOf(rows);
    this.perSecond = perSecond;
  }

  /** The id of the i-th record. */
  public static String id(int i) {
    return String.format("r-%06d", i);
  }

  /** Records sent and acknowledged so far: ids {@code 0 .. sent()-1}. */
  public int sent() {
    return sent.get();
  }

  /** When record {@code i} was acknowledged (epoch ms); read it once the sending thread ended. */
  public long sentAt(int i) {
    return sentAt[i];
  }

  /** Stops sending after the record in flight; {@link #sent()} is final once the thread ended. */
  public void stop() {
    running.set(false);
  }

  /** Why sending stopped early, or null. */
  public Exception failure() {
    return failure.get();
  }

  @Override
  public void run() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      long start = System.nanoTime();
      while (running.get()) {
        int i = sent.get();
        String row = rows.get(i % rows.size());
        String line = id(i) + row.substring(row.indexOf(','));
        producer.send(new ProducerRecord<>(topic, id(i), line)).get();
        if (i == sentAt.length) {
          sentAt = java.util.Arrays.copyOf(sentAt, 2 * i);
        }
        sentAt[i] = System.currentTimeMillis();
        sent.incrementAndGet();
        long wait = start + (i + 1) * 1_000_000_000L / perSecond - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure.set(e);
    }
  }
}

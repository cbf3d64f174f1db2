package dev.modelserving.beam.benchmarks.kafka;

import dev.modelserving.beam.benchmarks.latency.TimedIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the output topic from its end on a thread of its own and, for each scored record, takes
 * the time it arrived minus the time it was due (from its id, {@link TimedIds}) into the current
 * {@link MeasurementWindow}; it also notes when each model uuid was first seen, for model swaps.
 */
public final class OutputConsumer implements AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final AtomicReference<MeasurementWindow> window = new AtomicReference<>();
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean stopping;

  /** Subscribes to every partition of {@code topic} at its current end, and starts reading. */
  public OutputConsumer(String bootstrapServers, String topic) {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
        new StringDeserializer(), new StringDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before anything is sent
    thread = new Thread(this::read, "output-consumer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Takes latencies of records due in {@code w} into it from now on. */
  public void setWindow(MeasurementWindow w) {
    window.set(w);
  }

  /** Scored records read so far. */
  public long received() {
    return received.get();
  }

  /** Output records whose id carried no due time. */
  public long unreadable() {
    return unreadable.get();
  }

  /** When ({@link System#nanoTime()}) a record scored by model {@code uuid} was first read, if one was. */
  public Long firstSeen(String uuid) {
    return firstSeen.get(uuid);
  }

  /** Throws what stopped the reading thread, if anything did. */
  public void check() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("reading the output topic failed: " + t, t);
    }
  }

  private void read() {
    try {
      while (!stopping) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          String json = r.value();
          String id = json == null ? null : ScoredJson.id(json);
          long due;
          try {
            due = TimedIds.dueNanos(id);
          } catch (RuntimeException e) {
            unreadable.incrementAndGet();
            continue;
          }
          received.incrementAndGet();
          MeasurementWindow w = window.get();
          if (w != null) {
            w.received(due, now);
          }
          String uuid = ScoredJson.uuid(json);
          if (uuid != null && !firstSeen.containsKey(uuid)) {
            firstSeen.putIfAbsent(uuid, now);
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    consumer.wakeup();
    thread.join(10_000);
    consumer.close();
  }
}

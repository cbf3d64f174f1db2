package dev.modelserving.beam.benchmarks.kafka;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The load generator: a thread that sends numbered wine CSV lines to the data topic at a fixed
 * rate, open loop. Record {@code i} is due {@code i} periods after the start and is sent as soon
 * as it is due (never before), with its due time in its id; if sending falls behind, records keep
 * their due times, so the delay counts in their latency. The producer uses the Kafka client's
 * default settings.
 */
public final class PacedProducer implements AutoCloseable {
  private final String topic;
  private final WineCsvLines lines;
  private final Producer<String, String> producer;
  private final AtomicReference<MeasurementWindow> window = new AtomicReference<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong behindNanos = new AtomicLong();
  private volatile Thread thread;
  private volatile boolean stopping;
  private long nextSeq;

  public PacedProducer(String bootstrapServers, String topic, WineCsvLines lines) {
    this.topic = topic;
    this.lines = lines;
    this.producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(), new StringSerializer());
  }

  /** Starts sending at {@code ratePerSecond}; records are numbered on from the last run. */
  public synchronized void start(double ratePerSecond) {
    if (thread != null) {
      throw new IllegalStateException("the generator is already running");
    }
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("the rate must be above 0, was " + ratePerSecond);
    }
    stopping = false;
    behindNanos.set(0);
    double periodNanos = 1e9 / ratePerSecond;
    long firstSeq = nextSeq;
    Thread t = new Thread(() -> send(periodNanos, firstSeq), "paced-producer");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /** Stops sending, waits for the thread and flushes what was sent; returns records sent so far. */
  public synchronized long stop() throws InterruptedException {
    Thread t = thread;
    if (t != null) {
      stopping = true;
      t.join();
      thread = null;
      producer.flush();
    }
    return sent.get();
  }

  /** Records sends due in {@code w} to it from now on. */
  public void setWindow(MeasurementWindow w) {
    window.set(w);
  }

  /** Records sent since this generator was made. */
  public long sent() {
    return sent.get();
  }

  /** Sends the broker refused (they never reach the pipeline). */
  public long failed() {
    return failed.get();
  }

  /** How far behind its schedule the generator was at its worst in this run, in milliseconds. */
  public double maxBehindMillis() {
    return behindNanos.get() / 1e6;
  }

  private void send(double periodNanos, long firstSeq) {
    long start = System.nanoTime();
    long i = 0;
    while (!stopping) {
      long due = start + (long) (i * periodNanos);
      long now = System.nanoTime();
      if (due > now) {
        LockSupport.parkNanos(due - now);
        continue;
      }
      long seq = firstSeq + i;
      producer.send(new ProducerRecord<>(topic, lines.line(seq, due)), (metadata, e) -> {
        if (e != null) {
          failed.incrementAndGet();
        }
      });
      sent.incrementAndGet();
      MeasurementWindow w = window.get();
      if (w != null) {
        w.sent(due);
      }
      behindNanos.accumulateAndGet(now - due, Math::max);
      i++;
      nextSeq = seq + 1;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    producer.close();
  }
}

package dev.modelserving.beam.benchmarks.kafka;

import dev.modelserving.beam.benchmarks.report.LatencySummary;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Drives a running {@link KafkaServingApp}: a {@link PacedProducer} on its data topic and an
 * {@link OutputConsumer} on its output topic, with the steps every Kafka measurement is made of:
 * wait until records come out, offer a rate for a warm-up and a window, and wait until every record
 * sent has come out again.
 */
public final class LoadDriver implements AutoCloseable {
  /** Longest wait for the pipeline's first output (Flink start-up and the first model load). */
  public static final long READY_TIMEOUT_SECONDS = 180;

  private final KafkaServingApp app;
  private final PacedProducer generator;
  private final OutputConsumer output;

  public LoadDriver(KafkaServingApp app, WineCsvLines lines) {
    this.app = app;
    this.output = new OutputConsumer(app.bootstrapServers(), app.outputTopic());
    this.generator = new PacedProducer(app.bootstrapServers(), app.dataTopic(), lines);
  }

  /** What one measured window found. */
  public record Step(double rate, MeasurementWindow window, LatencySummary latency, double firstQuarterP99,
      double lastQuarterP99, double generatorBehindMillis, Sustainability.Verdict verdict) {
    public double achievedRate() {
      return window.received() / window.seconds();
    }

    /** A progress line. */
    public String describe() {
      return String.format(Locale.ROOT,
          "%,.0f/s: sent %,d, out %,d; p50 %.1f ms, p99 %.1f ms (quarters: first %.1f, last %.1f), max %.0f ms%s",
          rate, window.sent(), window.received(), latency.p50(), latency.p99(), firstQuarterP99, lastQuarterP99,
          latency.max(), verdict.sustainable() ? "" : " -> not sustainable: " + verdict.reason());
    }
  }

  /** Sends a trickle until records come out of the pipeline, then waits for it to drain. */
  public void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
    generator.start(100);
    try {
      while (output.received() == 0) {
        check();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no scored record came out of the Kafka pipeline within "
              + READY_TIMEOUT_SECONDS + " s of starting it");
        }
        Thread.sleep(100);
      }
    } finally {
      generator.stop();
    }
    drain(60);
  }

  /**
   * Warms a freshly started pipeline up (its code is not compiled yet, and its first seconds are
   * many times slower than its steady state): offers {@code rate} for {@code seconds}, then waits
   * for every record to come out.
   */
  public void warmUp(double rate, double seconds) throws InterruptedException {
    generator.start(rate);
    try {
      sleepChecking(seconds);
    } finally {
      generator.stop();
    }
    drain(180);
  }

  /**
   * Offers {@code rate} for {@code warmupSeconds}, then measures a window of {@code seconds}, stops,
   * and waits up to {@code drainSeconds} for the window's records; the verdict bounds the last
   * quarter's p99 by {@code maxLagMillis}.
   */
  public Step offer(double rate, double warmupSeconds, double seconds, double drainSeconds, double maxLagMillis)
      throws InterruptedException {
    generator.start(rate);
    MeasurementWindow w;
    try {
      sleepChecking(warmupSeconds);
      w = MeasurementWindow.startingNow(seconds);
      output.setWindow(w);
      generator.setWindow(w);
      sleepChecking(seconds);
    } finally {
      generator.stop();
    }
    long deadline = System.nanoTime() + (long) (drainSeconds * 1e9);
    while (w.received() < w.sent() && System.nanoTime() < deadline) {
      check();
      Thread.sleep(20);
    }
    double first = w.quarter(0).summary().p99();
    double last = w.quarter(3).summary().p99();
    Sustainability.Verdict verdict = Sustainability.judge(
        rate, w.seconds(), w.sent(), w.received(), first, last, maxLagMillis);
    return new Step(rate, w, w.latencies().summary(), first, last, generator.maxBehindMillis(), verdict);
  }

  /**
   * Waits until every record sent has come out, for at most {@code seconds}.
   *
   * @throws IllegalStateException if the pipeline has not caught up by then
   */
  public void drain(double seconds) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (output.received() < generator.sent() - generator.failed()) {
      check();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "the Kafka pipeline did not catch up within %.0f s: %,d records sent, %,d came out", seconds,
            generator.sent(), output.received()));
      }
      Thread.sleep(20);
    }
  }

  /** The generator, to run a load while something else happens (model swaps). */
  public PacedProducer generator() {
    return generator;
  }

  /** The output reader, for when models were first seen. */
  public OutputConsumer output() {
    return output;
  }

  /** Throws if the pipeline or the output reader has stopped. */
  public void check() {
    app.checkRunning();
    output.check();
  }

  private void sleepChecking(double seconds) throws InterruptedException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      check();
      Thread.sleep(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      generator.close();
    } finally {
      output.close();
    }
  }
}

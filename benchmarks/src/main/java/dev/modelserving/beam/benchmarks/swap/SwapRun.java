package dev.modelserving.beam.benchmarks.swap;

import dev.modelserving.beam.benchmarks.kafka.KafkaServingApp;
import dev.modelserving.beam.benchmarks.kafka.LoadDriver;
import dev.modelserving.beam.benchmarks.kafka.MeasurementWindow;
import dev.modelserving.beam.benchmarks.kafka.OutputConsumer;
import dev.modelserving.beam.benchmarks.kafka.PacedProducer;
import dev.modelserving.beam.benchmarks.kafka.WineCsvLines;
import dev.modelserving.beam.benchmarks.latency.LatencyHistogram;
import dev.modelserving.beam.benchmarks.report.LatencySummary;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One model-swap measurement through Kafka: the app serves version 1 of a model under a steady
 * load; after a start-up warm-up (then a drain) and a warm-up, a window without swaps, then a window in which a new version (same bytes,
 * new uuid, newer creation time) is published every {@code interval} seconds, {@code swaps} times.
 * A swap's latency is from just before its publish call to the moment the output reader first sees
 * a record scored by the new uuid.
 */
public final class SwapRun {
  /** Longest wait for the last swap to show in the output. */
  static final double LAST_SWAP_TIMEOUT_SECONDS = 60;

  /**
   * What a swap run found.
   *
   * @param swapLatency publish to first record of the new model, over the swaps that showed
   * @param missing swaps whose model never showed in the output
   * @param withoutSwaps record latency in the window before the swaps
   * @param duringSwaps record latency while the swaps went on
   */
  public record Outcome(LatencySummary swapLatency, int missing, LatencySummary withoutSwaps,
      LatencySummary duringSwaps, double withoutSwapsRate, double duringSwapsRate) {}

  private SwapRun() {}

  /** Runs it; {@code log} gets progress lines. */
  public static Outcome run(String bootstrapServers, ServingMode mode, int parallelism, ModelDescriptor model,
      String tag, double rate, int swaps, double intervalSeconds, double startupSeconds, double warmupSeconds,
      double seconds, List<String> appArgs, WineCsvLines lines, Consumer<String> log) throws Exception {
    String prefix = "swap-" + tag + "-" + System.nanoTime();
    try (KafkaServingApp app =
            KafkaServingApp.start(bootstrapServers, prefix, mode, parallelism, version(model, tag, 1), appArgs);
        LoadDriver driver = new LoadDriver(app, lines)) {
      driver.awaitReady();
      log.accept(String.format(Locale.ROOT, "pipeline ready; %.0f s start-up warm-up at %,.0f records/s", startupSeconds, rate));
      driver.warmUp(rate, startupSeconds);
      PacedProducer generator = driver.generator();
      OutputConsumer output = driver.output();
      generator.start(rate);
      try {
        sleep(driver, warmupSeconds);
        MeasurementWindow base = MeasurementWindow.startingNow(seconds);
        output.setWindow(base);
        generator.setWindow(base);
        sleep(driver, seconds);
        double swapSeconds = swaps * intervalSeconds + LAST_SWAP_TIMEOUT_SECONDS;
        MeasurementWindow during = MeasurementWindow.startingNow(swapSeconds);
        output.setWindow(during);
        generator.setWindow(during);
        long start = System.nanoTime();
        List<String> uuids = new ArrayList<>();
        List<Long> published = new ArrayList<>();
        for (int k = 1; k <= swaps; k++) {
          ModelDescriptor next = version(model, tag, k + 1);
          long at = System.nanoTime();
          app.publish(next);
          uuids.add(next.getUuid());
          published.add(at);
          long nextAt = start + (long) (k * intervalSeconds * 1e9);
          sleep(driver, Math.max(0, (nextAt - System.nanoTime()) / 1e9));
          Long seen = output.firstSeen(next.getUuid());
          log.accept(String.format(Locale.ROOT, "swap %d/%d: %s", k, swaps,
              seen == null ? "not seen yet" : String.format(Locale.ROOT, "first record after %.1f ms", (seen - at) / 1e6)));
        }
        long deadline = System.nanoTime() + (long) (LAST_SWAP_TIMEOUT_SECONDS * 1e9);
        while (output.firstSeen(uuids.get(uuids.size() - 1)) == null && System.nanoTime() < deadline) {
          sleep(driver, 0.05);
        }
        double duringSeconds = (System.nanoTime() - start) / 1e9;
        generator.stop();
        LatencyHistogram swapLatency = new LatencyHistogram();
        int missing = 0;
        for (int i = 0; i < uuids.size(); i++) {
          Long seen = output.firstSeen(uuids.get(i));
          if (seen == null) {
            missing++;
          } else {
            swapLatency.recordNanos(seen - published.get(i));
          }
        }
        driver.drain(120);
        return new Outcome(swapLatency.summary(), missing, base.latencies().summary(), during.latencies().summary(),
            base.received() / base.seconds(), during.received() / duringSeconds);
      } finally {
        generator.stop();
      }
    }
  }

  /** Version {@code v} of the model: same bytes, its own uuid, created now. */
  static ModelDescriptor version(ModelDescriptor model, String tag, int v) {
    return model.toBuilder()
        .setVersion(Integer.toString(v))
        .setUuid("swap-" + tag + "-v" + v + "-" + System.nanoTime())
        .setCreatedAtMillis(System.currentTimeMillis())
        .build();
  }

  private static void sleep(LoadDriver driver, double seconds) throws InterruptedException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    do {
      driver.check();
      long left = end - System.nanoTime();
      if (left > 0) {
        Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
      }
    } while (System.nanoTime() < end);
  }
}

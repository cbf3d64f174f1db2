package dev.modelserving.beam.benchmarks.latency;

import dev.modelserving.beam.benchmarks.Suite;
import dev.modelserving.beam.benchmarks.SuiteContext;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.LatencyResult;
import dev.modelserving.beam.benchmarks.report.LatencySummary;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.benchmarks.serve.BundleSettings;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingMode;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.apache.beam.sdk.PipelineResult;

/**
 * Per-record latency of {@code ServeModels} in process: the pipeline of {@link LatencyJob} at 50%
 * and 90% of the model's maximum sustainable rate (the serve suite's marginal throughput for the
 * same model, mode and parallelism, or {@code --rate}), at the largest parallelism asked for. Each
 * point runs a warm-up, then a measured window whose scored records' latencies (scored minus due)
 * give p50, p99 and p99.9; then the pipeline is cancelled. A quick run measures the first model only.
 */
public final class InProcessLatencySuite implements Suite {
  /** The loads, as fractions of the maximum sustainable rate. */
  public static final double[] LOADS = {0.5, 0.9};
  /** How a row's variant ends at a load (share of the sustainable rate): ", 50% load". */
  public static String loadLabel(double load) {
    return String.format(Locale.ROOT, ", %.0f%% load", 100 * load);
  }

  /** Longest the warm-up is stretched while a start-up backlog drains. */
  static final int MAX_EXTRA_WARMUP_SECONDS = 30;
  /** A second without a record this late (in ms) means the start-up backlog is gone. */
  static final long CAUGHT_UP_MILLIS = 1_000;

  @Override
  public String name() {
    return Suites.LATENCY;
  }

  @Override
  public List<BenchmarkResult> run(SuiteContext context) throws Exception {
    int p = Collections.max(context.options().parallelism());
    int warmup = context.options().load().warmupSeconds();
    int seconds = context.options().load().seconds();
    context.addSetting(String.format(Locale.ROOT,
        "latency: ServeModels on Flink [local] at parallelism %d with the app's bundle settings; an unbounded"
            + " paced source (records due at a fixed rate, open loop); latency = time scored − time due, so time"
            + " waiting in the source counts; %d s warm-up, then %d s measured per point",
        p, warmup, seconds));
    List<BenchmarkModel> models = context.options().quick()
        ? context.options().models().subList(0, 1) : context.options().models();
    for (BenchmarkModel model : models) {
      ModelDescriptor descriptor = context.models().descriptor(model);
      for (ServingMode mode : context.options().modes()) {
        ServingSetup setup = new ServingSetup(mode, p, BundleSettings.APP);
        OptionalDouble max = maxRate(context, model, setup);
        if (max.isEmpty()) {
          context.log("[latency] %s %s p=%d: no sustainable rate (run the serve suite, or give --rate); skipped",
              model.id(), ServingSetup.modeName(mode), p);
          continue;
        }
        for (double load : LOADS) {
          context.addLatency(measure(context, descriptor, model, setup, max.getAsDouble(), load, warmup, seconds));
        }
      }
    }
    return List.of();
  }

  /**
   * Records due while the job starts and the model loads pile up in the source; the warm-up goes on
   * (up to {@value #MAX_EXTRA_WARMUP_SECONDS} s more) until a whole second passes in which no record
   * took {@value #CAUGHT_UP_MILLIS} ms or more. Leaves the collector empty; returns whether it caught up.
   */
  static boolean awaitStartupBacklog(PipelineResult result, String collector) throws InterruptedException {
    long deadline = System.nanoTime() + MAX_EXTRA_WARMUP_SECONDS * 1_000_000_000L;
    LatencyCollectors.restart(collector);
    while (true) {
      Pipelines.runFor(result, 1);
      LatencyHistogram second = LatencyCollectors.restart(collector);
      if (second.count() > 0 && second.maxMicros() < CAUGHT_UP_MILLIS * 1_000L) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
    }
  }

  /** --rate, or the serve suite's marginal throughput for this model and setup. */
  static OptionalDouble maxRate(SuiteContext context, BenchmarkModel model, ServingSetup setup) {
    if (context.options().load().rate() > 0) {
      return OptionalDouble.of(context.options().load().rate());
    }
    return context.findResult(r -> r.suite().equals(Suites.SERVE) && r.model().equals(model.id())
            && r.parallelism() == setup.parallelism() && r.variant().equals(setup.variant())
            && r.recordsPerSecond() > 0 && !Double.isInfinite(r.recordsPerSecond()))
        .map(r -> OptionalDouble.of(r.recordsPerSecond()))
        .orElse(OptionalDouble.empty());
  }

  private static LatencyResult measure(SuiteContext context, ModelDescriptor descriptor, BenchmarkModel model,
      ServingSetup setup, double max, double load, int warmup, int seconds) throws Exception {
    double rate = max * load;
    String mode = ServingSetup.modeName(setup.mode());
    context.log("[latency] %s %s p=%d at %.0f%% of %,.0f/s = %,.0f records/s: %d s warm-up, %d s measured ...",
        model.id(), mode, setup.parallelism(), load * 100, max, rate, warmup, seconds);
    String collector = LatencyCollectors.open();
    PipelineResult result = null;
    LatencyHistogram window;
    double windowSeconds;
    boolean caughtUp;
    try {
      result = LatencyJob.start(descriptor, setup, rate, collector);
      Pipelines.runFor(result, warmup);
      caughtUp = awaitStartupBacklog(result, collector);
      long start = System.nanoTime();
      Pipelines.runFor(result, seconds);
      window = LatencyCollectors.restart(collector);
      windowSeconds = (System.nanoTime() - start) / 1e9;
    } finally {
      Pipelines.cancel(result);
      LatencyCollectors.close(collector);
    }
    LatencySummary s = window.summary();
    double achieved = s.count() / windowSeconds;
    context.log("[latency] %s %s p=%d at %.0f%%: %,d records (%,.0f/s) p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms",
        model.id(), mode, setup.parallelism(), load * 100, s.count(), achieved, s.p50(), s.p99(), s.p999(), s.max());
    String notes = String.format(Locale.ROOT, "%.0f%% of %,.0f/s (%s); %d s warm-up, %d s window",
        load * 100, max, context.options().load().rate() > 0 ? "--rate" : "serve suite", warmup, seconds)
        + (caughtUp ? "" : "; the start-up backlog had not drained after " + MAX_EXTRA_WARMUP_SECONDS + " s more")
        + (achieved < 0.95 * rate ? "; fell behind: scored fewer records than offered" : "");
    return LatencyResult.of(Suites.LATENCY, "ServeModels " + mode + loadLabel(load),
        model.id(), setup.parallelism(), rate, achieved, s, notes);
  }
}

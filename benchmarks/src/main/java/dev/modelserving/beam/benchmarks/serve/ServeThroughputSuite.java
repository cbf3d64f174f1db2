package dev.modelserving.beam.benchmarks.serve;

import dev.modelserving.beam.benchmarks.Suite;
import dev.modelserving.beam.benchmarks.SuiteContext;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.MarginalThroughput;
import dev.modelserving.beam.benchmarks.report.Measurement;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingMode;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ServeModels} on the local Flink mini-cluster, bounded runs of two sizes per model,
 * parallelism and mode, timed like the native Flink job ({@link MarginalThroughput}): one warm-up
 * run, then the small and the large run alternately. Every run must score every record.
 *
 * <p>All runs use the serving application's bundle settings for a 10 ms batch wait; the first
 * model is also run with the Flink runner's default bundles, which shows what the latency setting
 * costs in throughput.
 */
public final class ServeThroughputSuite implements Suite {

  @Override
  public String name() {
    return Suites.SERVE;
  }

  @Override
  public List<BenchmarkResult> run(SuiteContext context) throws Exception {
    int repeats = context.options().repeats();
    List<ServingMode> modes = context.options().modes();
    context.addSetting(String.format(Locale.ROOT,
        "serve: ServeModels on Flink [local] (streaming, attached, no checkpoints, fasterCopy); bounded"
            + " GenerateSequence of wine DataRecords, the model from a Create; batches of 1..500, max wait"
            + " %d ms; keyed mode with one shard per instance; per setup one warm-up run, then %d run(s) of"
            + " each size, alternating; %s",
        BundleSettings.MAX_BATCH_WAIT_MILLIS, repeats,
        FlinkLocal.describe(FlinkLocal.options(1, BundleSettings.APP, true))));
    for (int p : context.options().parallelism()) {
      context.addSetting(String.format(Locale.ROOT,
          "serve: keyed shards of '%s' at parallelism %d land on instances %s%s", WineSchema.DATA_TYPE, p,
          ShardPlacement.instances(WineSchema.DATA_TYPE, p, p),
          ShardPlacement.spread(WineSchema.DATA_TYPE, p, p) ? "" : " (not spread: an instance serves nothing)"));
    }
    List<BenchmarkResult> results = new ArrayList<>();
    List<BenchmarkModel> models = context.options().models();
    for (BenchmarkModel model : models) {
      ModelDescriptor descriptor = context.models().descriptor(model);
      for (int p : context.options().parallelism()) {
        for (ServingMode mode : modes) {
          results.add(measure(context, descriptor, model, new ServingSetup(mode, p, BundleSettings.APP)));
        }
        if (model == models.get(0)) {
          for (ServingMode mode : modes) {
            results.add(measure(context, descriptor, model, new ServingSetup(mode, p, BundleSettings.FLINK_DEFAULT)));
          }
        }
      }
    }
    return results;
  }

  private static BenchmarkResult measure(
      SuiteContext context, ModelDescriptor descriptor, BenchmarkModel model, ServingSetup setup) {
    int repeats = context.options().repeats();
    long[] sizes = context.options().serveSizesFor(model);
    run(context, descriptor, model, setup, Math.max(1_000, sizes[0] / 4), "warm-up");
    List<Double> small = new ArrayList<>();
    List<Double> large = new ArrayList<>();
    for (int r = 1; r <= repeats; r++) {
      small.add(timed(context, descriptor, model, setup, sizes[0], "run " + r + "/" + repeats));
      large.add(timed(context, descriptor, model, setup, sizes[1], "run " + r + "/" + repeats));
    }
    MarginalThroughput m = MarginalThroughput.of(sizes[0], small, sizes[1], large);
    String notes = String.format(Locale.ROOT, "N1=%,d, N2=%,d, median of %d", sizes[0], sizes[1], repeats)
        + (m.isValid() ? "" : "; " + m.note());
    context.log("[serve] %s p=%d %s: %,.0f records/s (marginal)",
        model.id(), setup.parallelism(), setup.variant(), m.recordsPerSecond());
    return BenchmarkResult.of(Suites.SERVE, setup.variant(), model.id(), setup.parallelism(),
        m.recordsPerSecond(), m.low(), m.high(), false, notes);
  }

  private static double timed(
      SuiteContext context, ModelDescriptor descriptor, BenchmarkModel model, ServingSetup setup, long n, String what) {
    ServeJob.Outcome o = run(context, descriptor, model, setup, n, what);
    context.addMeasurement(new Measurement(
        Suites.SERVE, setup.variant(), model.id(), setup.parallelism(), o.records(), o.scored(), o.seconds()));
    return o.seconds();
  }

  private static ServeJob.Outcome run(
      SuiteContext context, ModelDescriptor descriptor, BenchmarkModel model, ServingSetup setup, long n, String what) {
    ServeJob.Outcome o = ServeJob.run(descriptor, setup, n);
    context.log("[serve] %s p=%d %s %s: %,d records in %.2f s",
        model.id(), setup.parallelism(), setup.variant(), what, n, o.seconds());
    if (!o.complete()) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "ServeModels on %s at parallelism %d (%s) %s: a run that loses records has no throughput",
          model.id(), setup.parallelism(), setup.variant(), o.describe()));
    }
    return o;
  }
}

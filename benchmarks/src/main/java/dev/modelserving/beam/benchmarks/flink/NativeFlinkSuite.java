package dev.modelserving.beam.benchmarks.flink;

import dev.modelserving.beam.benchmarks.Suite;
import dev.modelserving.beam.benchmarks.SuiteContext;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.MarginalThroughput;
import dev.modelserving.beam.benchmarks.report.Measurement;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The native Flink job ({@link NativeFlinkJob}) on a local mini-cluster, for every model and
 * parallelism: a warm-up run, then the small and the large run alternately, {@code repeats} times
 * each, and the marginal throughput of the median times. Every run must score every record.
 */
public final class NativeFlinkSuite implements Suite {
  static final String VARIANT = "keyed co-process";

  @Override
  public String name() {
    return Suites.NATIVE_FLINK;
  }

  @Override
  public List<BenchmarkResult> run(SuiteContext context) throws Exception {
    int repeats = context.options().repeats();
    context.addSetting(String.format(Locale.ROOT,
        "native-flink: local mini-cluster in the benchmark JVM, streaming mode, no checkpoints;"
            + " per model and parallelism one warm-up run, then %d run(s) of each size, alternating",
        repeats));
    List<BenchmarkResult> results = new ArrayList<>();
    for (BenchmarkModel model : context.options().models()) {
      ModelMessage message = new ModelMessage(
          null, 0, "wine-" + model.id(), 1, model.kind().format(), context.models().bytes(model));
      long[] sizes = context.options().sizesFor(model);
      for (int p : context.options().parallelism()) {
        run(context, message, model, p, Math.max(1_000, sizes[0] / 4), "warm-up");
        List<Double> small = new ArrayList<>();
        List<Double> large = new ArrayList<>();
        for (int r = 1; r <= repeats; r++) {
          small.add(timed(context, message, model, p, sizes[0], r, repeats));
          large.add(timed(context, message, model, p, sizes[1], r, repeats));
        }
        MarginalThroughput m = MarginalThroughput.of(sizes[0], small, sizes[1], large);
        String notes = String.format(Locale.ROOT, "N1=%,d, N2=%,d, median of %d", sizes[0], sizes[1], repeats)
            + (m.isValid() ? "" : "; " + m.note());
        context.log("[native-flink] %s p=%d: %,.0f records/s (marginal)", model.id(), p, m.recordsPerSecond());
        results.add(BenchmarkResult.of(
            Suites.NATIVE_FLINK, VARIANT, model.id(), p, m.recordsPerSecond(), m.low(), m.high(), false, notes));
      }
    }
    return results;
  }

  private static double timed(
      SuiteContext context, ModelMessage message, BenchmarkModel model, int p, long records, int repeat, int repeats)
      throws Exception {
    NativeFlinkJob.Outcome o = run(context, message, model, p, records, "run " + repeat + "/" + repeats);
    context.addMeasurement(new Measurement(
        Suites.NATIVE_FLINK, VARIANT, model.id(), p, o.records(), o.scored(), o.seconds()));
    return o.seconds();
  }

  private static NativeFlinkJob.Outcome run(
      SuiteContext context, ModelMessage message, BenchmarkModel model, int p, long records, String what)
      throws Exception {
    NativeFlinkJob.Outcome o = NativeFlinkJob.run(
        message, records, p, WineWorkload.DEFAULT_SEED, WineWorkload.DEFAULT_SIZE);
    context.log("[native-flink] %s p=%d %s: %,d records in %.2f s (%d held for the model, %d model loads)",
        model.id(), p, what, records, o.seconds(), o.held(), o.modelLoads());
    if (o.scored() != records || o.failed() != 0) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "native Flink job on %s at parallelism %d scored %,d of %,d records (%,d failed): the"
              + " baseline lost records, so its figures would be wrong",
          model.id(), p, o.scored(), records, o.failed()));
    }
    return o;
  }
}

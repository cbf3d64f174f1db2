package dev.modelserving.beam.benchmarks.raw;

import dev.modelserving.beam.benchmarks.Suite;
import dev.modelserving.beam.benchmarks.SuiteContext;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.Stats;
import dev.modelserving.beam.benchmarks.report.Suites;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The evaluators in a loop, through JMH run from this JVM (each benchmark in a forked JVM with the
 * same classpath): JPMML for each PMML model (prepare the inputs from raw values, evaluate and
 * decode: the baseline; and, as an extra row, evaluate alone on pre-prepared arguments),
 * TensorFlow {@code Session.run} at each batch size, with 1..p threads sharing the evaluator or
 * session.
 */
public final class RawEvaluatorSuite implements Suite {
  /** The PMML baseline: inputs prepared from the record's raw values, evaluate, decode. */
  public static final String PMML_BASELINE = "JPMML prepare + evaluate";
  /** The extra PMML row, never a baseline: evaluate on arguments prepared before the loop. */
  public static final String PMML_PREPARED = "JPMML evaluate only (pre-prepared, not a baseline)";

  @Override
  public String name() {
    return Suites.RAW;
  }

  @Override
  public List<BenchmarkResult> run(SuiteContext context) throws Exception {
    JmhSettings settings = context.options().quick() ? JmhSettings.QUICK : JmhSettings.FULL;
    context.addSetting(settings.describe());
    List<BenchmarkResult> results = new ArrayList<>();
    for (BenchmarkModel model : context.options().models()) {
      String path = context.models().path(model).toAbsolutePath().toString();
      for (int threads : context.options().parallelism()) {
        if (model.kind() == BenchmarkModel.Kind.PMML) {
          results.add(measure(context,
              options(context, settings, PmmlEvaluatorBenchmark.class, "evaluate", threads).param("pmmlFile", path),
              model, threads, PMML_BASELINE, 1, true));
          results.add(measure(context,
              options(context, settings, PmmlEvaluatorBenchmark.class, "evaluatePrepared", threads)
                  .param("pmmlFile", path),
              model, threads, PMML_PREPARED, 1, false));
        } else {
          for (int batch : context.options().tensorFlowBatches()) {
            ChainedOptionsBuilder options = options(context, settings, TensorFlowSessionBenchmark.class, "run", threads)
                .param("savedModelDir", path)
                .param("batch", Integer.toString(batch));
            results.add(measure(context, options, model, threads, "Session.run batch " + batch, batch, batch == 1));
          }
        }
      }
    }
    return results;
  }

  private static ChainedOptionsBuilder options(
      SuiteContext context, JmhSettings s, Class<?> benchmark, String method, int threads) {
    return s.applyTo(new OptionsBuilder()
        .include("^" + Pattern.quote(benchmark.getName()) + "\\." + method + "$")
        .mode(Mode.Throughput)
        .timeUnit(TimeUnit.SECONDS)
        .threads(threads), context.options().verbose());
  }

  private static BenchmarkResult measure(
      SuiteContext context, ChainedOptionsBuilder options, BenchmarkModel model, int threads,
      String variant, int recordsPerCall, boolean baseline) throws RunnerException {
    context.log("[raw] %s, %s, %d thread(s) ...", model.id(), variant, threads);
    Collection<RunResult> runs;
    try {
      runs = new Runner(options.build()).run();
    } catch (RunnerException e) {
      throw new RunnerException(
          "JMH failed on " + model.id() + " (" + variant + ", " + threads + " threads): " + e.getMessage()
              + "; run again with --verbose to see the benchmark's output", e);
    }
    List<Double> iterations = new ArrayList<>();
    double score = Double.NaN;
    double error = Double.NaN;
    for (RunResult run : runs) {
      score = run.getPrimaryResult().getScore() * recordsPerCall;
      error = run.getPrimaryResult().getScoreError() * recordsPerCall;
      for (org.openjdk.jmh.results.BenchmarkResult fork : run.getBenchmarkResults()) {
        for (IterationResult it : fork.getIterationResults()) {
          iterations.add(it.getPrimaryResult().getScore() * recordsPerCall);
        }
      }
    }
    if (iterations.isEmpty()) {
      throw new IllegalStateException("JMH returned no iterations for " + model.id() + " " + variant);
    }
    double median = Stats.median(iterations);
    double low = iterations.stream().mapToDouble(d -> d).min().getAsDouble();
    double high = iterations.stream().mapToDouble(d -> d).max().getAsDouble();
    context.log("[raw] %s, %s, %d thread(s): %,.0f records/s (median of %d iterations)",
        model.id(), variant, threads, median, iterations.size());
    String notes = String.format(Locale.ROOT, "median of %d iterations; JMH mean %,.0f", iterations.size(), score)
        + (Double.isNaN(error) ? "" : String.format(Locale.ROOT, " ± %,.0f (99.9%%)", error));
    return BenchmarkResult.of(Suites.RAW, variant, model.id(), threads, median, low, high, baseline, notes);
  }
}

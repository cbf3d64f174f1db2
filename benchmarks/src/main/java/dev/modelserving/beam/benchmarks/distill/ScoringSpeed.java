package dev.modelserving.beam.benchmarks.distill;

import dev.modelserving.beam.benchmarks.raw.JmhSettings;
import dev.modelserving.beam.benchmarks.report.Stats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The scoring speed of one model at one batch size, through {@link ScorerBenchmark} in a forked
 * JVM: records a second (JMH throughput mode; the median of the measured iterations, with the
 * lowest and highest), and the time of one call (JMH sample mode: p50, p99, p99.9).
 *
 * @param recordsPerSecond median records a second over the measured iterations
 * @param low the slowest iteration, records a second
 * @param high the fastest iteration, records a second
 * @param p50Micros median time of one call, microseconds
 * @param p99Micros 99th percentile of one call, microseconds
 * @param p999Micros 99.9th percentile of one call, microseconds
 */
record ScoringSpeed(double recordsPerSecond, double low, double high, double p50Micros, double p99Micros,
    double p999Micros) {

  static ScoringSpeed measure(Path descriptorFile, int batch, JmhSettings settings, boolean verbose)
      throws RunnerException {
    Collection<RunResult> throughput = new Runner(options(descriptorFile, batch, settings, verbose)
        .mode(Mode.Throughput).timeUnit(TimeUnit.SECONDS).build()).run();
    List<Double> iterations = new ArrayList<>();
    for (RunResult run : throughput) {
      for (org.openjdk.jmh.results.BenchmarkResult fork : run.getBenchmarkResults()) {
        for (IterationResult it : fork.getIterationResults()) {
          iterations.add(it.getPrimaryResult().getScore() * batch);
        }
      }
    }
    if (iterations.isEmpty()) {
      throw new IllegalStateException("JMH returned no iterations for " + descriptorFile + " at batch " + batch);
    }
    Collection<RunResult> sampled = new Runner(options(descriptorFile, batch, settings, verbose)
        .mode(Mode.SampleTime).timeUnit(TimeUnit.MICROSECONDS).build()).run();
    var stats = sampled.iterator().next().getPrimaryResult().getStatistics();
    return new ScoringSpeed(Stats.median(iterations),
        iterations.stream().mapToDouble(d -> d).min().getAsDouble(),
        iterations.stream().mapToDouble(d -> d).max().getAsDouble(),
        stats.getPercentile(50), stats.getPercentile(99), stats.getPercentile(99.9));
  }

  private static ChainedOptionsBuilder options(Path descriptorFile, int batch, JmhSettings s, boolean verbose) {
    return s.applyTo(new OptionsBuilder()
        .include("^" + Pattern.quote(ScorerBenchmark.class.getName()) + "\\.scoreBatch$")
        .param("descriptorFile", descriptorFile.toAbsolutePath().toString())
        .param("batch", Integer.toString(batch))
        .threads(1), verbose);
  }
}

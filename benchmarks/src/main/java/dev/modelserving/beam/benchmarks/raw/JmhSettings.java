package dev.modelserving.beam.benchmarks.raw;

import java.util.Locale;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * How long JMH measures each raw benchmark.
 *
 * @param warmupIterations iterations run and thrown away first
 * @param measurementIterations iterations whose median is the figure
 * @param seconds the length of every iteration
 * @param forks fresh JVMs per benchmark
 */
public record JmhSettings(int warmupIterations, int measurementIterations, int seconds, int forks) {
  /** A full run: 3 warm-up and 5 measured iterations of 2 s in one fork. */
  public static final JmhSettings FULL = new JmhSettings(3, 5, 2, 1);
  /** A smoke test: 1 warm-up and 2 measured iterations of 1 s. */
  public static final JmhSettings QUICK = new JmhSettings(1, 2, 1, 1);

  /** A line for the report's settings. */
  public String describe() {
    return String.format(Locale.ROOT,
        "raw: JMH throughput mode, %d fork(s), %d warm-up + %d measured iterations of %d s each",
        forks, warmupIterations, measurementIterations, seconds);
  }

  /**
   * {@code options} with these iterations and forks, the benchmark JVM's heap and logging, failing
   * on a benchmark error, and JMH's own output only when {@code verbose}.
   */
  public ChainedOptionsBuilder applyTo(ChainedOptionsBuilder options, boolean verbose) {
    return options
        .forks(forks)
        .warmupIterations(warmupIterations)
        .warmupTime(TimeValue.seconds(seconds))
        .measurementIterations(measurementIterations)
        .measurementTime(TimeValue.seconds(seconds))
        .jvmArgsAppend("-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
        .shouldFailOnError(true)
        .verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
  }
}

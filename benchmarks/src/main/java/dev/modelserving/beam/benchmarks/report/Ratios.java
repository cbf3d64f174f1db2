package dev.modelserving.beam.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts every figure next to its baselines of the same run: the raw evaluator (the {@linkplain
 * BenchmarkResult#rawBaseline() baseline} raw figure of the same model at the same parallelism, i.e.
 * as many JMH threads as Flink parallelism) and the native Flink job (same model and parallelism).
 */
public final class Ratios {
  private Ratios() {}

  /** The figures with their ratios filled in; NaN where the baseline was not measured. */
  public static List<BenchmarkResult> apply(List<BenchmarkResult> results) {
    List<BenchmarkResult> out = new ArrayList<>(results.size());
    for (BenchmarkResult r : results) {
      double raw = find(results, Suites.RAW, r, true).map(b -> ratio(r, b)).orElse(Double.NaN);
      double nativeFlink = find(results, Suites.NATIVE_FLINK, r, false).map(b -> ratio(r, b)).orElse(Double.NaN);
      out.add(r.withRatios(raw, nativeFlink));
    }
    return out;
  }

  private static Optional<BenchmarkResult> find(
      List<BenchmarkResult> results, String suite, BenchmarkResult of, boolean rawBaseline) {
    return results.stream()
        .filter(b -> b.suite().equals(suite)
            && b.model().equals(of.model())
            && b.parallelism() == of.parallelism()
            && (!rawBaseline || b.rawBaseline()))
        .findFirst();
  }

  private static double ratio(BenchmarkResult r, BenchmarkResult baseline) {
    return baseline.recordsPerSecond() > 0 ? r.recordsPerSecond() / baseline.recordsPerSecond() : Double.NaN;
  }
}

package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records per second through {@link Scorer#scoreBatch} for the wine models at several batch sizes.
 * For information only: it asserts nothing about time and is off unless asked for:
 *
 * <pre>
 * mvn -o -pl transforms/tensorflow -am test -Dbenchmark=true \
 *     -Dtest=WineBatchThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class WineBatchThroughputBenchmark {
  private static final int PASSES = 5;
  private static final int RUNS = 5;

  @Test
  void recordsPerSecond() throws Exception {
    List<Features> rows = TfTestSupport.wineRows(2000);
    measure("wine-mlp (packed SavedModel)", TfTestSupport.packedDescriptor(), rows, 1, 16, 256);
    measure("wine-mlp-named (per-feature)", TfTestSupport.namedDescriptor(), rows, 1, 256);
    measure("wine-mlp-frozen.pb", TfTestSupport.frozenDescriptor(), rows, 1, 256);
  }

  private static void measure(String name, ModelDescriptor d, List<Features> rows, int... sizes)
      throws Exception {
    try (Scorer scorer =
        d.getFormat().equals(FrozenGraphFormat.ID)
            ? new FrozenGraphFormat().load(d)
            : new SavedModelFormat().load(d)) {
      for (int size : sizes) {
        passes(scorer, rows, size, 2); // warm-up
        double[] rates = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
          long start = System.nanoTime();
          int scored = passes(scorer, rows, size, PASSES);
          rates[run] = scored / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(rates);
        System.out.printf(
            "BENCHMARK %-30s batch %4d: median %,10.0f records/s (min %,.0f, max %,.0f)%n",
            name, size, rates[RUNS / 2], rates[0], rates[RUNS - 1]);
      }
    }
  }

  /** Scores every row {@code passes} times in batches of {@code size}; returns the count. */
  private static int passes(Scorer scorer, List<Features> rows, int size, int passes) {
    int scored = 0;
    for (int p = 0; p < passes; p++) {
      for (int from = 0; from < rows.size(); from += size) {
        BatchScores s = scorer.scoreBatch(rows.subList(from, Math.min(rows.size(), from + size)));
        for (int i = 0; i < s.size(); i++) {
          assertThat(s.isScored(i), is(true));
          scored++;
        }
      }
    }
    return scored;
  }
}

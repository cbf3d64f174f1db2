package dev.modelserving.beam.benchmarks.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.is;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every figure is compared with the raw baseline and native Flink of its own model and parallelism. */
class RatiosTest {

  @Test
  void comparesWithTheBaselinesOfTheSameModelAndParallelism() {
    List<BenchmarkResult> results = Ratios.apply(List.of(
        BenchmarkResult.of(Suites.RAW, "JPMML evaluate", "tree", 1, 800_000, 0, 0, true, ""),
        BenchmarkResult.of(Suites.RAW, "JPMML evaluate", "tree", 2, 1_600_000, 0, 0, true, ""),
        BenchmarkResult.of(Suites.NATIVE_FLINK, "keyed co-process", "tree", 1, 200_000, 0, 0, false, ""),
        BenchmarkResult.of(Suites.NATIVE_FLINK, "keyed co-process", "tree", 2, 400_000, 0, 0, false, ""),
        BenchmarkResult.of("serve-models", "keyed", "tree", 2, 100_000, 0, 0, false, "")));
    BenchmarkResult serve = results.get(4);
    assertThat(serve.ratioToRaw(), closeTo(100_000.0 / 1_600_000, 1e-12));
    assertThat(serve.ratioToNative(), closeTo(0.25, 1e-12));
    BenchmarkResult native1 = results.get(2);
    assertThat(native1.ratioToRaw(), closeTo(0.25, 1e-12));
    assertThat(native1.ratioToNative(), closeTo(1.0, 1e-12));
    BenchmarkResult raw2 = results.get(1);
    assertThat(raw2.ratioToRaw(), closeTo(1.0, 1e-12));
    assertThat(raw2.ratioToNative(), closeTo(4.0, 1e-12));
  }

  @Test
  void theTensorFlowBaselineIsBatchOneNotTheFastestBatch() {
    List<BenchmarkResult> results = Ratios.apply(List.of(
        BenchmarkResult.of(Suites.RAW, "Session.run batch 256", "mlp", 1, 2_000_000, 0, 0, false, ""),
        BenchmarkResult.of(Suites.RAW, "Session.run batch 1", "mlp", 1, 20_000, 0, 0, true, ""),
        BenchmarkResult.of(Suites.NATIVE_FLINK, "keyed co-process", "mlp", 1, 10_000, 0, 0, false, "")));
    assertThat(results.get(0).ratioToRaw(), closeTo(100, 1e-9));
    assertThat(results.get(2).ratioToRaw(), closeTo(0.5, 1e-12));
  }

  @Test
  void aMissingBaselineGivesNoRatio() {
    List<BenchmarkResult> results = Ratios.apply(List.of(
        BenchmarkResult.of(Suites.NATIVE_FLINK, "keyed co-process", "forest", 2, 5_000, 0, 0, false, ""),
        BenchmarkResult.of(Suites.RAW, "JPMML evaluate", "forest", 1, 9_000, 0, 0, true, "")));
    assertThat(Double.isNaN(results.get(0).ratioToRaw()), is(true));
    assertThat(results.get(0).ratioToNative(), closeTo(1.0, 1e-12));
    assertThat(Double.isNaN(results.get(1).ratioToNative()), is(true));
  }
}

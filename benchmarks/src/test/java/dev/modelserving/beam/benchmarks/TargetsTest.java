package dev.modelserving.beam.benchmarks;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.modelserving.beam.benchmarks.kafka.KafkaEndToEndSuite;
import dev.modelserving.beam.benchmarks.latency.InProcessLatencySuite;
import dev.modelserving.beam.benchmarks.raw.RawEvaluatorSuite;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.LatencyResult;
import dev.modelserving.beam.benchmarks.report.LatencySummary;
import dev.modelserving.beam.benchmarks.report.Ratios;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.benchmarks.report.TargetStatus;
import dev.modelserving.beam.benchmarks.swap.ModelSwapSuite;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each target is met only when every figure it covers meets it, and says so when it has none. */
class TargetsTest {

  private static BenchmarkResult figure(String suite, String variant, String model, int p, double rate, boolean base) {
    return BenchmarkResult.of(suite, variant, model, p, rate, Double.NaN, Double.NaN, base, "");
  }

  private static LatencyResult latency(String suite, String variant, String model, double p50, double p99, long n) {
    return LatencyResult.of(suite, variant, model, 2, 1_000, 1_000,
        new LatencySummary(n, p50, p99, Double.NaN, p99), "");
  }

  private static TargetStatus find(List<TargetStatus> targets, String text) {
    return targets.stream().filter(t -> t.target().contains(text)).findFirst().orElseThrow();
  }

  @Test
  void throughputTargetsCompareWithNativeRawAndBatch256() {
    List<BenchmarkResult> results = Ratios.apply(List.of(
        figure(Suites.RAW, RawEvaluatorSuite.PMML_BASELINE, "tree", 2, 400_000, true),
        figure(Suites.RAW, RawEvaluatorSuite.PMML_PREPARED, "tree", 2, 900_000, false),
        figure(Suites.NATIVE_FLINK, "keyed co-process", "tree", 1, 100_000, false),
        figure(Suites.NATIVE_FLINK, "keyed co-process", "tree", 2, 180_000, false),
        figure(Suites.SERVE, "ServeModels keyed", "tree", 1, 110_000, false),
        figure(Suites.SERVE, "ServeModels keyed", "tree", 2, 210_000, false),
        figure(Suites.SERVE, "ServeModels broadcast", "tree", 2, 170_000, false),
        figure(Suites.SERVE, "ServeModels keyed, Flink default bundles", "tree", 2, 10, false),
        figure(Suites.RAW, "Session.run batch 256", "mlp", 2, 1_000_000, false),
        figure(Suites.SERVE, "ServeModels keyed", "mlp", 2, 600_000, false)));
    List<TargetStatus> t = Targets.evaluate(results, List.of());
    TargetStatus vsNative = find(t, "native Flink");
    assertThat("broadcast at p=2 is 0.94× native", vsNative.status(), equalTo(TargetStatus.Status.MISSED));
    assertThat(vsNative.figure(), equalTo("keyed p=1: 1.10×; keyed p=2: 1.17×; broadcast p=2: 0.94×"));
    TargetStatus vsRaw = find(t, "raw evaluator's 2-core rate");
    assertThat(vsRaw.status(), equalTo(TargetStatus.Status.MISSED));
    assertThat(vsRaw.figure(), equalTo("keyed p=2: 53%; broadcast p=2: 43%"));
    TargetStatus mlp = find(t, "batch-256");
    assertThat(mlp.status(), equalTo(TargetStatus.Status.MET));
    assertThat(mlp.figure(), equalTo("keyed p=2: 60%"));
    assertThat(find(t, "sustainable rate").status(), equalTo(TargetStatus.Status.NOT_MEASURED));
  }

  @Test
  void latencyAndSwapTargetsReadTheirRows() {
    String keyed = KafkaEndToEndSuite.appVariant("keyed");
    List<BenchmarkResult> results = List.of(
        figure(Suites.KAFKA, keyed + KafkaEndToEndSuite.SUSTAINABLE, "tree", 2, 64_000, false));
    List<LatencyResult> latencies = List.of(
        latency(Suites.KAFKA, keyed + KafkaEndToEndSuite.TRICKLE_LABEL, "tree", 5, 30, 10_000),
        latency(Suites.KAFKA, keyed + KafkaEndToEndSuite.loadLabel(0.5), "tree", 8, 40, 10_000),
        latency(Suites.LATENCY, "ServeModels keyed" + InProcessLatencySuite.loadLabel(0.5), "tree", 9, 19.5, 10_000),
        latency(Suites.LATENCY, "ServeModels broadcast" + InProcessLatencySuite.loadLabel(0.5), "mlp", 9, 25, 10_000),
        latency(Suites.SWAP, "keyed, tree " + ModelSwapSuite.FAST + ModelSwapSuite.SWAP_LATENCY, "tree", 60, 95, 20),
        latency(Suites.SWAP, "keyed, forest " + ModelSwapSuite.SLOW + ModelSwapSuite.WITHOUT, "f", 10, 40, 9_000),
        latency(Suites.SWAP, "keyed, forest " + ModelSwapSuite.SLOW + ModelSwapSuite.DURING, "f", 10, 70, 9_000));
    List<TargetStatus> t = Targets.evaluate(results, latencies);
    assertThat(find(t, "sustainable rate").status(), equalTo(TargetStatus.Status.MET));
    assertThat(find(t, "p99 < 50 ms").status(), equalTo(TargetStatus.Status.MET));
    assertThat(find(t, "trickle").status(), equalTo(TargetStatus.Status.MET));
    TargetStatus inProcess = find(t, "In process");
    assertThat(inProcess.status(), equalTo(TargetStatus.Status.MISSED));
    assertThat(inProcess.figure(), equalTo("tree keyed: 19.5 ms; mlp broadcast: 25.0 ms"));
    assertThat(find(t, "fast-loading").status(), equalTo(TargetStatus.Status.MET));
    TargetStatus spike = find(t, "slow-loading");
    assertThat(spike.status(), equalTo(TargetStatus.Status.MISSED));
    assertThat(spike.figure(), containsString("p99 70 ms during swaps, 40 ms without"));
    assertThat(find(t, "native Flink").figure(), containsString("not measured"));
  }
}

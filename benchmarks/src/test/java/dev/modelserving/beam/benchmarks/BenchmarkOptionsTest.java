package dev.modelserving.beam.benchmarks;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.serving.ServingMode;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The command line of the benchmark main. */
class BenchmarkOptionsTest {

  @Test
  void defaultsRunEverythingIntoDocs() {
    BenchmarkOptions o = BenchmarkOptions.parse();
    assertThat(o.quick(), is(false));
    assertThat(o.suites(), contains("raw", "native-flink", "serve", "latency", "kafka-e2e", "swap", "heap", "policies"));
    assertThat(o.models(), contains(BenchmarkModel.TREE, BenchmarkModel.LINEAR, BenchmarkModel.FOREST, BenchmarkModel.MLP));
    assertThat(o.parallelism(), contains(1, 2));
    assertThat(o.repeats(), equalTo(2));
    assertThat(o.modes(), contains(ServingMode.KEYED, ServingMode.BROADCAST));
    assertThat(o.load().seconds(), equalTo(15));
    assertThat(o.load().swaps(), equalTo(20));
    assertThat(o.load().slowForestTrees(), equalTo(600));
    assertThat(o.load().rate(), equalTo(0.0));
    assertThat(o.serveSizesFor(BenchmarkModel.FOREST), equalTo(BenchmarkModel.FOREST.serveSizes()));
    assertThat(o.out(), equalTo(Paths.get("docs")));
    assertThat(o.sizesFor(BenchmarkModel.TREE), equalTo(BenchmarkModel.TREE.defaultSizes()));
    assertThat(o.forest().trees(), equalTo(50));
  }

  @Test
  void quickRunsAreSmallAndDoNotOverwriteDocs() {
    BenchmarkOptions o = BenchmarkOptions.parse("--quick");
    assertThat(o.repeats(), equalTo(1));
    assertThat(o.out(), equalTo(Paths.get("benchmarks/target/benchmarks-quick")));
    assertThat(o.sizesFor(BenchmarkModel.TREE), equalTo(BenchmarkModel.TREE.quickSizes()));
    assertThat(o.serveSizesFor(BenchmarkModel.TREE), equalTo(BenchmarkModel.TREE.quickServeSizes()));
    assertThat(o.load().swaps(), equalTo(3));
    assertThat(o.models(), contains(BenchmarkModel.TREE, BenchmarkModel.MLP));
  }

  @Test
  void streamingOptions() {
    BenchmarkOptions o = BenchmarkOptions.parse("--modes=broadcast", "--rate=250k", "--kafka-rate=40000",
        "--seconds=30", "--warmup-seconds=7", "--swaps=25", "--swap-interval=2.5", "--slow-forest-trees=300",
        "--heap-types=10", "--app-args= --fasterCopy=true  --maxBatchWaitMillis=5 ");
    assertThat(o.modes(), contains(ServingMode.BROADCAST));
    assertThat(o.load().rate(), equalTo(250_000.0));
    assertThat(o.load().kafkaRate(), equalTo(40_000.0));
    assertThat(o.load().seconds(), equalTo(30));
    assertThat(o.load().warmupSeconds(), equalTo(7));
    assertThat(o.load().swaps(), equalTo(25));
    assertThat(o.load().swapIntervalSeconds(), equalTo(2.5));
    assertThat(o.load().slowForestTrees(), equalTo(300));
    assertThat(o.load().heapTypes(), equalTo(10));
    assertThat(o.load().appArgs(), contains("--fasterCopy=true", "--maxBatchWaitMillis=5"));
    assertThat(BenchmarkOptions.parse().load().appArgs(), equalTo(java.util.List.of()));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--app-args=fasterCopy"))
        .getMessage(), containsString("--app-args"));
    assertThat(o.serveSizesFor(BenchmarkModel.TREE), equalTo(BenchmarkModel.TREE.serveSizes()));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--modes=sharded"))
        .getMessage(), containsString("unknown mode 'sharded'"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--swap-interval=-1"))
        .getMessage(), containsString("--swap-interval"));
  }

  @Test
  void optionsPickSuitesModelsAndSizes() {
    BenchmarkOptions o = BenchmarkOptions.parse(
        "--suites=native-flink", "--models=forest, mlp", "--parallelism=2", "--sizes=250k,1M",
        "--repeats=5", "--forest-trees=600", "--note=busy", "--out=/tmp/x");
    assertThat(o.suites(), contains("native-flink"));
    assertThat(o.models(), contains(BenchmarkModel.FOREST, BenchmarkModel.MLP));
    assertThat(o.parallelism(), contains(2));
    assertThat(o.sizesFor(BenchmarkModel.MLP), equalTo(new long[] {250_000, 1_000_000}));
    assertThat(o.repeats(), equalTo(5));
    assertThat(o.forest().fileName(), equalTo("wine-forest-600x8.pmml"));
    assertThat(o.note(), equalTo("busy"));
    assertThat(o.command(), containsString("--suites=native-flink"));
  }

  @Test
  void policyOptions() {
    PolicyOptions d = BenchmarkOptions.parse().policy();
    assertThat(d.rates(), contains(5_000.0, 50_000.0));
    assertThat(d.budgetMillis(), equalTo(20L));
    assertThat(d.slowLatency(), equalTo("2ms:90,40ms:10"));
    assertThat(d.models(), contains(BenchmarkModel.TREE, BenchmarkModel.FOREST));
    assertThat(BenchmarkOptions.parse().update(), is(false));
    PolicyOptions q = BenchmarkOptions.parse("--quick").policy();
    assertThat(q.rates(), contains(5_000.0));
    assertThat(q.models(), contains(BenchmarkModel.TREE));
    BenchmarkOptions o = BenchmarkOptions.parse("--suites=policies", "--update", "--policy-rates=2k,8000",
        "--policy-budget=15", "--policy-latency=1ms:95,30ms:5", "--policy-seed=11", "--policy-models=linear");
    assertThat(o.update(), is(true));
    assertThat(o.policy().rates(), contains(2_000.0, 8_000.0));
    assertThat(o.policy().budgetMillis(), equalTo(15L));
    assertThat(o.policy().slowLatency(), equalTo("1ms:95,30ms:5"));
    assertThat(o.policy().seed(), equalTo(11L));
    assertThat(o.policy().models(), contains(BenchmarkModel.LINEAR));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--update"))
        .getMessage(), containsString("--update rewrites only the sections of [policies]"));
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> BenchmarkOptions.parse("--suites=policies,heap", "--update")).getMessage(), containsString("heap"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--policy-latency=2ms:x"))
        .getMessage(), containsString("--policy-latency"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--policy-budget=0"))
        .getMessage(), containsString("--policy-budget"));
  }

  @Test
  void mistakesAreNamed() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--suites=beam"))
        .getMessage(), containsString("unknown suite 'beam'"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--models=svm"))
        .getMessage(), containsString("unknown model 'svm'"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--sizes=4M,1M"))
        .getMessage(), containsString("N1 < N2"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--repeats=zero"))
        .getMessage(), containsString("not a count"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--speed=11"))
        .getMessage(), containsString("unknown option --speed"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--out"))
        .getMessage(), containsString("needs a value"));
  }
}

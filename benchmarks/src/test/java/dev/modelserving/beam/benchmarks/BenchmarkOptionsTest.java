package dev.modelserving.beam.benchmarks;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The command line of the benchmark main. */
class BenchmarkOptionsTest {

  @Test
  void defaultsRunEverythingIntoDocs() {
    BenchmarkOptions o = BenchmarkOptions.parse();
    assertThat(o.quick(), is(false));
    assertThat(o.suites(), contains("raw", "native-flink"));
    assertThat(o.models(), contains(BenchmarkModel.TREE, BenchmarkModel.LINEAR, BenchmarkModel.FOREST, BenchmarkModel.MLP));
    assertThat(o.parallelism(), contains(1, 2));
    assertThat(o.repeats(), equalTo(3));
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

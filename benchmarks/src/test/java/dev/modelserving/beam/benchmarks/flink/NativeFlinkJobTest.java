package dev.modelserving.beam.benchmarks.flink;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native Flink job scores every record, on both shards, loading the model once per task. */
class NativeFlinkJobTest {
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir", "../testdata/files"));

  @TempDir Path work;

  @Test
  void scoresEveryRecordAtParallelismTwoWithOneLoadPerTask() throws Exception {
    ModelFiles files = new ModelFiles(TESTDATA, work, WineForestTrainer.Params.of(3, 3));
    ModelMessage tree = new ModelMessage(null, 0, "wine-tree", 1, "pmml", files.bytes(BenchmarkModel.TREE));
    NativeFlinkJob.Outcome o = NativeFlinkJob.run(tree, 20_000, 2, WineWorkload.DEFAULT_SEED, 64);
    assertThat(o.scored(), equalTo(20_000L));
    assertThat(o.failed(), equalTo(0L));
    assertThat("one evaluator per task", o.modelLoads(), equalTo(2L));
  }

  @Test
  void scoresEveryRecordWithTheTensorFlowModel() throws Exception {
    ModelFiles files = new ModelFiles(TESTDATA, work, WineForestTrainer.Params.of(3, 3));
    ModelMessage mlp = new ModelMessage(
        null, 0, "wine-mlp", 1, "tensorflow-saved-model", files.bytes(BenchmarkModel.MLP));
    NativeFlinkJob.Outcome o = NativeFlinkJob.run(mlp, 5_000, 1, WineWorkload.DEFAULT_SEED, 64);
    assertThat(o.scored(), equalTo(5_000L));
    assertThat(o.modelLoads(), equalTo(1L));
  }
}

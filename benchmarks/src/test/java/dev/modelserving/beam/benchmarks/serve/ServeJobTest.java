package dev.modelserving.beam.benchmarks.serve;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.serving.ServingMode;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bounded ServeModels run on the local Flink mini-cluster scores and counts every record. */
class ServeJobTest {
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir", "../testdata/files"));

  @TempDir Path work;

  @Test
  void keyedModeAtParallelismTwoScoresEveryRecord() {
    ModelFiles files = new ModelFiles(TESTDATA, work, WineForestTrainer.Params.of(3, 3));
    ServeJob.Outcome o = ServeJob.run(files.descriptor(BenchmarkModel.TREE),
        new ServingSetup(ServingMode.KEYED, 2, BundleSettings.APP), 5_000);
    assertThat(o.describe(), o.scored(), equalTo(5_000L));
    assertThat(o.describe(), o.complete(), equalTo(true));
  }

  @Test
  void broadcastModeWithFlinkDefaultBundlesScoresEveryRecord() {
    ModelFiles files = new ModelFiles(TESTDATA, work, WineForestTrainer.Params.of(3, 3));
    ServeJob.Outcome o = ServeJob.run(files.descriptor(BenchmarkModel.LINEAR),
        new ServingSetup(ServingMode.BROADCAST, 1, BundleSettings.FLINK_DEFAULT), 3_000);
    assertThat(o.describe(), o.complete(), equalTo(true));
  }
}

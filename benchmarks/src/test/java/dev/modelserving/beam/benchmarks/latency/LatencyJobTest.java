package dev.modelserving.beam.benchmarks.latency;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.benchmarks.serve.BundleSettings;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.serving.ServingMode;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paced pipeline runs on the local Flink mini-cluster in this JVM and its latency step records
 * into the suite's collector: records come out at about the offered rate with a latency in
 * milliseconds, not seconds.
 */
class LatencyJobTest {
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir", "../testdata/files"));

  @TempDir Path work;

  @Test
  void scoredRecordsReachTheCollectorWithTheirLatency() throws Exception {
    ModelFiles files = new ModelFiles(TESTDATA, work, WineForestTrainer.Params.of(3, 3));
    String collector = LatencyCollectors.open();
    PipelineResult result = null;
    try {
      result = LatencyJob.start(files.descriptor(BenchmarkModel.TREE),
          new ServingSetup(ServingMode.BROADCAST, 1, BundleSettings.APP), 1_000, collector);
      Pipelines.runFor(result, 4);
      LatencyCollectors.restart(collector);
      Pipelines.runFor(result, 2);
      LatencyHistogram window = LatencyCollectors.restart(collector);
      assertThat("about 2,000 records in 2 s", window.count(), greaterThan(1_000L));
      assertThat(window.count(), lessThan(2_600L));
      assertThat(window.summary().p50(), greaterThan(0.0));
      assertThat(window.summary().p50(), lessThan(1_000.0));
    } finally {
      Pipelines.cancel(result);
      LatencyCollectors.close(collector);
    }
  }
}

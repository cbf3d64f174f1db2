package dev.modelserving.beam.pipeline.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelserving.beam.pipeline.ServingMain;
import dev.modelserving.beam.pipeline.ServingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint defaults of a Flink Kafka run, and which checkpoint a new run restores. */
class FlinkRecoveryTest {
  @TempDir
  Path dir;

  private ServingOptions parse(String... more) {
    String[] args = new String[more.length + 3];
    args[0] = "--runner=FlinkRunner";
    args[1] = "--checkpointDir=" + dir;
    args[2] = "--consumerGroup=g";
    System.arraycopy(more, 0, args, 3, more.length);
    return ServingMain.parse(args);
  }

  private Path checkpoint(String job, int n, long modifiedMillis) throws Exception {
    Path chk = Files.createDirectories(dir.resolve("g").resolve(job).resolve("chk-" + n));
    Path metadata = Files.writeString(chk.resolve("_metadata"), "x");
    Files.setLastModifiedTime(metadata, FileTime.fromMillis(modifiedMillis));
    return chk;
  }

  @Test
  void anUnboundedKafkaRunCheckpointsEveryTwoSecondsToItsDirectoryAndKeepsTheLastCheckpoint() {
    FlinkPipelineOptions flink = parse().as(FlinkPipelineOptions.class);

    assertEquals(FlinkRecovery.DEFAULT_INTERVAL_MILLIS, flink.getCheckpointingInterval());
    assertEquals("filesystem", flink.getStateBackend());
    assertEquals(dir.resolve("g").toUri().toString(), flink.getStateBackendStoragePath());
    assertTrue(flink.isExternalizedCheckpointsEnabled());
    assertTrue(flink.getRetainExternalizedCheckpointsOnCancellation());
    assertNull(flink.as(ServingOptions.class).getRestoredFrom(), "nothing to restore: a fresh start");
  }

  @Test
  void aNewRunRestoresTheNewestCheckpointInProcessThroughItsFlinkConfigurationAndDropsOlderRuns() throws Exception {
    Path old = checkpoint("job-a", 7, 1_000_000);
    Path newest = checkpoint("job-b", 3, 2_000_000);

    ServingOptions options = parse("--flinkMaster=[local]");

    assertEquals(newest.toUri().toString(), options.getRestoredFrom());
    Configuration conf = GlobalConfiguration.loadConfiguration(options.as(FlinkPipelineOptions.class).getFlinkConfDir());
    assertEquals(newest.toUri().toString(), conf.getString("execution.savepoint.path", null));
    assertFalse(Files.exists(old), "the run it superseded is deleted");
    assertTrue(Files.exists(newest));
  }

  @Test
  void onARemoteClusterTheCheckpointGoesToSavepointPath() throws Exception {
    Path newest = checkpoint("job-b", 3, 2_000_000);

    FlinkPipelineOptions flink = parse("--flinkMaster=localhost:8081").as(FlinkPipelineOptions.class);

    assertEquals(newest.toUri().toString(), flink.getSavepointPath());
  }

  @Test
  void resumeNoneAndABoundedRunAndNoCheckpointingStartAfresh() throws Exception {
    checkpoint("job-b", 3, 2_000_000);

    assertNull(parse("--resume=none").getRestoredFrom());
    ServingOptions bounded = parse("--maxRecords=10", "--maxModels=1");
    assertNull(bounded.getRestoredFrom());
    assertEquals(-1L, bounded.as(FlinkPipelineOptions.class).getCheckpointingInterval());
    assertNull(parse("--checkpointingInterval=-1").getRestoredFrom());
  }

  @Test
  void aSavepointPathGivenWinsAndIsRestoredInProcessToo() throws Exception {
    checkpoint("job-b", 3, 2_000_000);
    ServingOptions options = parse("--flinkMaster=[local]", "--savepointPath=file:///somewhere/savepoint-1");

    assertEquals("file:///somewhere/savepoint-1", options.getRestoredFrom());
    Configuration conf = GlobalConfiguration.loadConfiguration(options.as(FlinkPipelineOptions.class).getFlinkConfDir());
    assertEquals("file:///somewhere/savepoint-1", conf.getString("execution.savepoint.path", null));
  }
}

package dev.modelserving.beam.pipeline.flink;

import dev.modelserving.beam.pipeline.RecoveryOptions;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint settings of an unbounded Kafka run on Flink, where the command line leaves them out:
 * checkpoints every {@value #DEFAULT_INTERVAL_MILLIS} ms, exactly once, to {@code
 * <checkpointDir>/<consumerGroup>}, retained when the run is cancelled or dies; and, with {@code
 * --resume=latest}, the newest retained checkpoint of the pipeline to restore.
 */
public final class FlinkRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkRecovery.class);

  /** The default checkpoint interval: what a hard kill may serve twice at most without exactly-once output. */
  public static final long DEFAULT_INTERVAL_MILLIS = 2_000;

  private FlinkRecovery() {}

  /** Names the default checkpoint directory when set. */
  public static final String CHECKPOINT_DIR_ENV = "MODEL_SERVING_CHECKPOINT_DIR";

  /** The default checkpoint directory: {@code $MODEL_SERVING_CHECKPOINT_DIR}, else {@code ~/.model-serving/checkpoints}. */
  public static String defaultCheckpointDir() {
    String fromEnv = System.getenv(CHECKPOINT_DIR_ENV);
    return fromEnv != null && !fromEnv.isBlank() ? fromEnv
        : Paths.get(System.getProperty("user.home"), ".model-serving", "checkpoints").toString();
  }

  /**
   * Applies the defaults and finds the checkpoint to restore; returns it (a URI) when the run
   * restores one, which {@link RecoveryOptions#getRestoredFrom()} then says too.
   *
   * @param given whether the command line set a Flink option (by name)
   */
  public static Optional<String> apply(FlinkPipelineOptions flink, RecoveryOptions recovery, String consumerGroup,
      java.util.function.Predicate<String> given) {
    if (!given.test("checkpointingInterval")) {
      flink.setCheckpointingInterval(DEFAULT_INTERVAL_MILLIS);
    }
    if (flink.getCheckpointingInterval() == null || flink.getCheckpointingInterval() <= 0) {
      LOG.warn("Checkpointing is off (--checkpointingInterval={}): a restart resumes from the data topic's committed"
          + " offsets with no model state, and the output is at least once", flink.getCheckpointingInterval());
      return restoreGiven(flink, recovery);
    }
    String base = recovery.getCheckpointDir() == null ? defaultCheckpointDir() : recovery.getCheckpointDir();
    String pipelineDir = base.endsWith("/") ? base + consumerGroup : base + "/" + consumerGroup;
    Optional<CheckpointStore> store = CheckpointStore.at(pipelineDir);
    if (!given.test("stateBackendStoragePath")) {
      flink.setStateBackendStoragePath(store.map(CheckpointStore::uri).orElse(pipelineDir));
    }
    if (!given.test("stateBackend")) {
      flink.setStateBackend("filesystem"); // heap state, checkpoints to files; --stateBackend=rocksdb for large state
    }
    if (!given.test("externalizedCheckpointsEnabled")) {
      flink.setExternalizedCheckpointsEnabled(true);
    }
    if (!given.test("retainExternalizedCheckpointsOnCancellation")) {
      flink.setRetainExternalizedCheckpointsOnCancellation(true);
    }
    if (flink.getSavepointPath() != null || !"latest".equals(recovery.getResume())) {
      return restoreGiven(flink, recovery);
    }
    if (store.isEmpty()) {
      LOG.warn("--resume=latest looks for checkpoints on a local file system only; {} is not: start from a checkpoint"
          + " with --savepointPath=<its chk-n directory>", pipelineDir);
      return Optional.empty();
    }
    Optional<Path> latest = store.get().latest();
    if (latest.isEmpty()) {
      LOG.info("No checkpoint of this pipeline in {}: a fresh start", store.get().dir());
      return Optional.empty();
    }
    int superseded = store.get().deleteOlderThan(latest.get());
    String uri = latest.get().toUri().toString();
    LOG.info("Resuming from the newest checkpoint of this pipeline, {} ({} older runs' checkpoints deleted)", uri,
        superseded);
    recovery.setRestoredFrom(uri);
    return Optional.of(uri);
  }

  private static Optional<String> restoreGiven(FlinkPipelineOptions flink, RecoveryOptions recovery) {
    if (flink.getSavepointPath() == null) {
      return Optional.empty();
    }
    recovery.setRestoredFrom(flink.getSavepointPath());
    return Optional.of(flink.getSavepointPath());
  }
}

package dev.modelserving.beam.pipeline.recovery;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.modelserving.beam.model.proto.Lineage;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code train} on Flink {@code [local]} killed with {@code kill -9} and started again with the same
 * options, {@code --startFrom=none} included: the new run restores its newest checkpoint, weights,
 * version counter and lineage included, so its first model continues the first run's line (version
 * n+1 whose parent is the first run's version n) instead of starting again at version 1.
 *
 * <p>The model output is at least once: versions the first run published after its last completed
 * checkpoint are published again by the second run, with the same version numbers and new uuids.
 * The assertions allow that: the second run's first model may repeat a version, but its parent is a
 * model the first run published, and no version is skipped.
 */
class TrainRestartAfterKillTest {
  private static final Logger LOG = LoggerFactory.getLogger(TrainRestartAfterKillTest.class);
  private static final int RATE_PER_SECOND = 50;
  private static final int MINI_BATCH = 50;

  @TempDir
  Path work;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aKilledTrainerResumesFromItsCheckpointAndContinuesTheVersionLine() throws Exception {
    EmbeddedKafkaBroker.quietKafkaLogging();
    Path testdata = Paths.get(System.getProperty("testdata.dir"));
    List<String> lines = Files.readAllLines(testdata.resolve("wine.csv"), StandardCharsets.UTF_8);
    List<String> wines = lines.subList(1, lines.size());
    Path checkpoints = work.resolve("checkpoints");
    Path logs = Files.createDirectories(Paths.get("target", "train-restart-after-kill")); // kept for a look afterwards

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0)) {
      KafkaTopics.ensureTopics(broker.bootstrapServers(),
          KafkaTopics.servingTopics("train-models", "train-records", "train-dead-letters", "train-dead-letters", 2));
      List<String> args = List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--streaming=true",
          "--checkpointDir=" + checkpoints, "--startFrom=none", "--miniBatchSize=" + MINI_BATCH,
          "--bootstrapServers=" + broker.bootstrapServers(), "--dataTopic=train-records",
          "--modelTopic=train-models", "--deadLetterTopic=train-dead-letters", "--consumerGroup=train-kill",
          "--trainingDataType=wine");

      ModelMessages models = new ModelMessages(broker.bootstrapServers(), "train-models");
      Thread reader = new Thread(models, "read-models");
      NumberedRecords source = new NumberedRecords(broker.bootstrapServers(), "train-records", wines, RATE_PER_SECOND);
      Thread sender = new Thread(source, "send-records");
      reader.start();
      sender.start();
      MainProcess first = MainProcess.start("train", args, logs.resolve("first.log"));
      MainProcess second = null;
      try {
        long startedAt = System.currentTimeMillis();
        awaitTrue("the first run published 3 versions", Duration.ofSeconds(75),
            () -> models.messages().size() >= 3, first);
        // a checkpoint completed after the third version was received holds a trainer past version 1
        long thirdAt = models.messages().get(2).receivedAt();
        awaitTrue("the first run completed a checkpoint after its third version", Duration.ofSeconds(20),
            () -> newestCheckpoint(checkpoints) > thirdAt, first);
        long checkpointedAt = newestCheckpoint(checkpoints);
        long killedAt = System.currentTimeMillis();
        first.kill9();
        Thread.sleep(2_000); // what the first run sent before it died reaches the reader
        List<ModelMessages.Message> before = models.messages();
        long restartAt = System.currentTimeMillis();
        second = MainProcess.start("train", args, logs.resolve("second.log"));
        MainProcess running = second;
        long lastBefore = before.get(before.size() - 1).version();
        awaitTrue("the second run published versions past the first run's last", Duration.ofSeconds(75),
            () -> after(models.messages(), before.size()).size() >= 3
                && models.messages().get(models.messages().size() - 1).version() > lastBefore + 1, running);
        List<ModelMessages.Message> all = models.messages();
        List<ModelMessages.Message> fresh = after(all, before.size());
        ModelMessages.Message resumed = fresh.get(0);
        Lineage lineage = resumed.model().getLineage();
        long v = resumed.version();
        LOG.info("train kill -9 then restart: the first run published versions {}..{} ({} messages) and was killed {} s"
            + " after its start, {} ms after its newest checkpoint completed; the second run's first model is version"
            + " {}, from the checkpointed version {}, {} ms after the restart ({} ms after the kill); it went on to"
            + " version {} ({} models)", before.get(0).version(), lastBefore, before.size(),
            (killedAt - startedAt) / 1000, killedAt - checkpointedAt, v, lineage.getParentVersion(),
            resumed.receivedAt() - restartAt, resumed.receivedAt() - killedAt, all.get(all.size() - 1).version(),
            fresh.size());

        ModelMessages.Message firstModel = before.get(0);
        assertThat("--startFrom=none: the first run starts at version 1", firstModel.version(), equalTo(1L));
        assertThat(firstModel.model().getLineage().getParentUuid(), equalTo(""));
        assertThat("the restored run continues, not from zero", v, greaterThan(1L));
        assertThat(second.log(), containsString("Resuming from the newest checkpoint of this pipeline"));
        assertThat("no version skipped", v, lessThanOrEqualTo(lastBefore + 1));
        assertThat(lineage.getParentVersion(), equalTo(Long.toString(v - 1)));
        List<ModelMessages.Message> parents = before.stream()
            .filter(m -> m.model().getUuid().equals(lineage.getParentUuid())).toList();
        assertThat("the parent is a model of the first run: " + lineage.getParentUuid(), parents.size(), equalTo(1));
        ModelMessages.Message parent = parents.get(0);
        assertThat(parent.version(), equalTo(v - 1));
        // one update per mini-batch, a model after each (publishEvery=1): the update count goes on
        assertThat(lineage.getUpdates(), equalTo(v));
        assertThat(lineage.getTotalTrainedRecords(),
            equalTo(parent.model().getLineage().getTotalTrainedRecords() + lineage.getTrainedRecords()));
        assertThat(lineage.getTotalTrainedRecords(), greaterThan(firstModel.model().getLineage().getTotalTrainedRecords()));
        for (int i = 1; i < fresh.size(); i++) {
          ModelMessages.Message m = fresh.get(i);
          ModelMessages.Message previous = fresh.get(i - 1);
          assertThat("versions rise one by one", m.version(), equalTo(previous.version() + 1));
          assertThat(m.model().getLineage().getParentUuid(), equalTo(previous.model().getUuid()));
        }
        assertThat(fresh.get(fresh.size() - 1).version(), greaterThanOrEqualTo(lastBefore + 2));
        assertThat("the second run is still training", second.isAlive(), equalTo(true));
        assertThat(source.failure(), nullValue());
        assertThat(models.failure(), nullValue());
        assertThat(first.log(), not(containsString("Resuming from the newest checkpoint")));
        assertThat(all.stream().map(m -> m.model().getName()).distinct().toList(), equalTo(List.of("wine-sgd")));
      } catch (AssertionError | RuntimeException e) {
        LOG.error("the runs' logs are in {}", logs.toAbsolutePath());
        throw e;
      } finally {
        source.stop();
        models.stop();
        first.close();
        if (second != null) {
          second.close();
        }
        sender.join(10_000);
        reader.join(10_000);
      }
    }
  }

  /** The messages after the first {@code n}. */
  private static List<ModelMessages.Message> after(List<ModelMessages.Message> all, int n) {
    return all.subList(Math.min(n, all.size()), all.size());
  }

  /** When the newest completed checkpoint under {@code dir} completed (its {@code _metadata}), or 0. */
  private static long newestCheckpoint(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.getFileName().toString().equals("_metadata")).mapToLong(p -> {
        try {
          return Files.getLastModifiedTime(p).toMillis();
        } catch (java.io.IOException gone) {
          return 0; // deleted as a newer checkpoint completed
        }
      }).max().orElse(0);
    } catch (Exception e) {
      return 0; // a directory deleted while walked: look again
    }
  }

  private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition, MainProcess process)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        String log = process.log();
        throw new AssertionError(what + ": the " + process.command() + " process ended:\n"
            + log.substring(Math.max(0, log.length() - 20_000)));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + timeout);
      }
      Thread.sleep(200);
    }
  }
}

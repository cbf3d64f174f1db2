package dev.modelserving.beam.pipeline.recovery;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.flink.FlinkRecovery;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve} killed with {@code kill -9} mid-stream and started again with the same options, as
 * a user would. On Flink {@code [local]} the new run restores the newest checkpoint (models, held
 * records, Kafka offsets) instead of reading the model topic afresh or replaying the data topic; on
 * the DirectRunner it resumes from the committed offsets. Either way no record is lost. With the
 * default at-least-once output, on Flink only records scored after the last completed checkpoint
 * come out twice (what arrived within about one checkpoint interval and one checkpoint's duration);
 * on the DirectRunner at most two checkpoint intervals' worth.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartAfterKillTest {
  private static final Logger LOG = LoggerFactory.getLogger(RestartAfterKillTest.class);
  private static final int RATE_PER_SECOND = 100;

  private EmbeddedKafkaBroker broker;
  private List<String> wines;
  private Path models;

  @TempDir
  Path work;

  @BeforeAll
  void startKafka() throws Exception {
    EmbeddedKafkaBroker.quietKafkaLogging();
    broker = EmbeddedKafkaBroker.start(0);
    Path testdata = Paths.get(System.getProperty("testdata.dir"));
    List<String> lines = Files.readAllLines(testdata.resolve("wine.csv"), StandardCharsets.UTF_8);
    wines = lines.subList(1, 501);
    models = testdata.resolve("models");
  }

  @AfterAll
  void stopKafka() {
    if (broker != null) {
      broker.close();
    }
  }

  /**
   * On Flink the new run restores the checkpoint; the DirectRunner has none, and resumes from the
   * data topic's committed offsets with the model topic read afresh.
   */
  @ParameterizedTest
  @ValueSource(strings = {"FlinkRunner", "DirectRunner"})
  @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
  void aKilledServeResumesWhereItStoppedWithNothingLost(String runner) throws Exception {
    boolean flink = runner.equals("FlinkRunner");
    String suffix = "-" + runner.toLowerCase();
    String dataTopic = "records" + suffix;
    String outputTopic = "scored" + suffix;
    String modelTopic = "models" + suffix;
    KafkaTopics.ensureTopics(broker.bootstrapServers(),
        KafkaTopics.servingTopics(modelTopic, dataTopic, outputTopic, "dead-letters" + suffix, 2));
    Path checkpoints = work.resolve("checkpoints" + suffix);
    List<String> args = new ArrayList<>(List.of("--runner=" + runner,
        "--bootstrapServers=" + broker.bootstrapServers(),
        "--dataTopic=" + dataTopic, "--modelTopic=" + modelTopic, "--outputTopic=" + outputTopic,
        "--deadLetterTopic=dead-letters" + suffix, "--reviewTopic=review" + suffix,
        "--comparisonTopic=comparisons" + suffix, "--statusTopic=status" + suffix,
        "--consumerGroup=kill" + suffix, "--dataTypes=wine"));
    if (flink) {
      args.addAll(List.of("--flinkMaster=[local]", "--streaming=true", "--parallelism=2",
          "--checkpointDir=" + checkpoints, "--outputDelivery=at-least-once"));
    }

    String uuid;
    try (ModelPublisher publisher = new ModelPublisher(broker.bootstrapServers())) {
      ModelDescriptor tree = ModelPublisher.describe(models.resolve("wine-tree.pmml"),
          new PublishOptions().name("wine-tree").dataType("wine").version("1"));
      publisher.send(modelTopic, tree);
      uuid = tree.getUuid();
    }

    ScoredOutput output = new ScoredOutput(broker.bootstrapServers(), outputTopic);
    Thread reader = new Thread(output, "read-output");
    reader.start();
    NumberedRecords source = new NumberedRecords(broker.bootstrapServers(), dataTopic, wines, RATE_PER_SECOND);
    Thread sender = new Thread(source, "send-records");
    Path logs = Files.createDirectories(Paths.get("target", "restart-after-kill", runner)); // kept for a look afterwards
    MainProcess first = MainProcess.start("serve", args, logs.resolve("first.log"));
    MainProcess second = null;
    CheckpointTimes checkpointTimes = new CheckpointTimes(checkpoints);
    Thread checkpointWatch = new Thread(checkpointTimes, "watch-checkpoints");
    checkpointWatch.setDaemon(true);
    checkpointWatch.start();
    try {
      sender.start();
      awaitTrue("the first run scored records and checkpointed", Duration.ofSeconds(150),
          () -> output.distinct() > 300 && (!flink || latestCheckpoint(checkpoints) != null), first);
      long killedAt = System.currentTimeMillis();
      first.kill9();
      checkpointTimes.stop();
      // the newest checkpoint's barrier left after the one before it completed (one checkpoint at a time)
      long previousCompleted = checkpointTimes.secondNewest();
      int scoredBeforeKill = output.distinct();
      Thread.sleep(2_000); // records keep coming while nothing serves them
      long restartAt = System.currentTimeMillis();
      second = MainProcess.start("serve", args, logs.resolve("second.log"));
      MainProcess running = second;
      awaitTrue("the second run scored new records", Duration.ofSeconds(120),
          () -> output.distinct() > scoredBeforeKill + 200, running);
      source.stop();
      sender.join();
      int sent = source.sent();
      long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (output.distinct() < sent && System.nanoTime() < until && running.isAlive()) {
        Thread.sleep(200); // the assertions below say what is missing
      }
      Thread.sleep(4_000); // two more checkpoints: a duplicate would have shown by now

      List<String> lost = new ArrayList<>();
      for (int i = 0; i < sent; i++) {
        if (!output.contains(NumberedRecords.id(i))) {
          lost.add(NumberedRecords.id(i));
        }
      }
      Map<String, Integer> twice = output.duplicates();
      long firstNewOutput = output.messages().stream().mapToLong(ScoredOutput.Message::receivedAt)
          .filter(t -> t >= restartAt).min().orElse(-1L);
      LOG.info("{}: kill -9 then restart: {} records sent, {} came out, {} lost, {} twice; scored before the kill {},"
          + " down {} ms, first output of the new run {} ms after it started ({} ms after the kill)",
          runner, sent, output.distinct(), lost.size(), twice.size(), scoredBeforeKill, restartAt - killedAt,
          firstNewOutput - restartAt, firstNewOutput - killedAt);
      assertThat("lost: " + lost, lost, empty());
      // At least once: what the first run wrote after its last checkpoint is written again, at most
      // what arrived in about one checkpoint interval (plus the time the checkpoint took).
      if (flink) {
        // At least once: what the first run scored after its last completed checkpoint is scored again,
        // and nothing earlier: every record written twice was sent after the checkpoint before that
        // one completed (less a second for the reader's lag).
        List<String> early = twice.keySet().stream()
            .filter(id -> source.sentAt(Integer.parseInt(id.substring(2))) < previousCompleted - 1_000).toList();
        assertThat("written twice though sent before the checkpoint before the last completed ("
            + previousCompleted + ")", early, empty());
      } else {
        long bound = 2 * FlinkRecovery.DEFAULT_INTERVAL_MILLIS * RATE_PER_SECOND / 1000;
        assertThat("scored twice: " + twice, (long) twice.size(), lessThanOrEqualTo(bound));
      }
      assertThat("a record twice is the same record: " + twice, twice.values().stream().allMatch(n -> n == 2),
          equalTo(true));
      assertThat("every record scored by the one model published", output.models(m -> true), equalTo(Set.of(uuid + "@1")));
      assertThat(first.log(), containsString("that rebuild the model sets"));
      if (flink) {
        assertThat(second.log(), containsString("Resuming from the newest checkpoint of this pipeline"));
        assertThat("the restored run does not read the model topic afresh", second.log(),
            not(containsString("that rebuild the model sets")));
      } else {
        assertThat("no checkpoint: the model topic is read afresh", second.log(),
            containsString("that rebuild the model sets"));
      }
      assertThat(sent, greaterThan(scoredBeforeKill + 200));
    } catch (AssertionError | RuntimeException e) {
      LOG.error("the runs' logs are in target/restart-after-kill");
      throw e;
    } finally {
      checkpointTimes.stop();
      source.stop();
      output.stop();
      first.close();
      if (second != null) {
        second.close();
      }
      reader.join(10_000);
    }
  }

  /** When each checkpoint of a run completed: its {@code _metadata} file's modification time. */
  private static final class CheckpointTimes implements Runnable {
    private final Path dir;
    private final java.util.concurrent.ConcurrentSkipListSet<Long> completed = new java.util.concurrent.ConcurrentSkipListSet<>();
    private volatile boolean running = true;

    CheckpointTimes(Path dir) {
      this.dir = dir;
    }

    void stop() {
      running = false;
    }

    /** The completion time of the checkpoint before the newest, or 0 when there was at most one. */
    long secondNewest() {
      return completed.size() < 2 ? 0 : completed.lower(completed.last());
    }

    @Override
    public void run() {
      while (running) {
        if (Files.isDirectory(dir)) {
          try (Stream<Path> all = Files.walk(dir)) {
            all.filter(p -> p.getFileName().toString().equals("_metadata")).forEach(p -> {
              try {
                completed.add(Files.getLastModifiedTime(p).toMillis());
              } catch (java.io.IOException gone) {
                // deleted as a newer checkpoint completed
              }
            });
          } catch (Exception e) {
            // a directory deleted while walked: look again
          }
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private static String tail(String log) {
    return log.length() > 20_000 ? log.substring(log.length() - 20_000) : log;
  }

  private static Path latestCheckpoint(Path dir) {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.getFileName().toString().equals("_metadata")).findAny().orElse(null);
    } catch (Exception e) {
      return null;
    }
  }

  private static void awaitTrue(String what, Duration timeout, java.util.function.BooleanSupplier condition,
      MainProcess process) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new AssertionError(what + ": the " + process.command() + " process ended:\n" + tail(process.log()));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + timeout);
      }
      Thread.sleep(200);
    }
  }
}

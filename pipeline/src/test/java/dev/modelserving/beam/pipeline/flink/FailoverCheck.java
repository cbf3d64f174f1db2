package dev.modelserving.beam.pipeline.flink;

import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import dev.modelserving.beam.pipeline.recovery.NumberedRecords;
import dev.modelserving.beam.pipeline.recovery.ScoredOutput;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The failover of the serving job on a real standalone Flink cluster: Kafka and the cluster are
 * started, the job submitted with exactly-once output, a model published, then a steady stream of
 * numbered records; mid-stream the TaskManager process is killed with {@code kill -9} and a new one
 * started. Measured: every record id on the output topic (as a {@code read_committed} consumer sees
 * it) — lost and duplicated ids — the models that scored the records before and after the crash,
 * the dead letters (unserved records among them), and the recovery time, from the kill to the first
 * output message written after it.
 *
 * <p>The model is published once, before the job starts, and the job reads it from the model
 * topic's fresh-start read. After the crash the model reader resumes at the checkpoint's offsets,
 * past that message, so records scored after recovery can only be scored by the model the
 * checkpoint held: without it they would be held and then dead-lettered as unserved.
 *
 * <p>{@code FlinkFailoverIT} runs it and asserts; {@code runners-config/flink/failover-check.sh}
 * runs it with other settings and prints the figures. Options (defaults): {@code --rate=200}
 * records/s, {@code --beforeSeconds=25} of stream before the kill, {@code --afterSeconds=20} after
 * the new TaskManager started, {@code --outputDelivery=exactly-once}, {@code --parallelism=2},
 * {@code --checkpointingInterval=0} (0: the cluster's, 2 s), {@code --standbyTaskManagers=0} (idle
 * TaskManagers started beside the one the job runs on: the job restarts on one of them at once),
 * {@code --serveOptions=} (more serve options for the job, space-separated).
 */
public final class FailoverCheck {
  /** How the check runs. */
  public record Settings(int rate, int beforeSeconds, int afterSeconds, String outputDelivery, int parallelism,
      int checkpointingInterval, int standbyTaskManagers, List<String> serveOptions) {
    static Settings defaults() {
      return new Settings(200, 25, 20, "exactly-once", 2, 0, 0, List.of());
    }
  }

  /** What one check measured; times in epoch milliseconds. */
  public record Outcome(int sent, int distinct, List<String> lost, Map<String, Integer> duplicates,
      Set<String> modelsBeforeKill, Set<String> modelsAfterKill, String publishedModel, int deadLetters,
      long killedAt, long newTaskManagerStartedAt, long firstOutputAfterKill, long lastRecordSentAt,
      long allOutputAt, long[] latencyBeforeKillMillis, long[] latencyAfterRecoveryMillis) {
    /** Milliseconds from the kill to the first output message written after it, or -1. */
    public long recoveryMillis() {
      return firstOutputAfterKill < 0 ? -1 : firstOutputAfterKill - killedAt;
    }

    String describe() {
      return String.format(Locale.ROOT,
          "records sent %,d; distinct ids out %,d; lost %,d; duplicates %,d; dead letters %d%n"
              + "model published %s; scored before the kill by %s, after it by %s%n"
              + "kill -9 of the TaskManager -> new TaskManager started %,d ms later -> first output written"
              + " after the kill %,d ms after it; all records out %,d ms after the last was sent%n"
              + "end-to-end latency (sent -> seen by a read_committed consumer), steady state: before the kill p50 %,d ms,"
              + " p99 %,d ms, max %,d ms (%,d records); after recovery p50 %,d ms, p99 %,d ms, max %,d ms (%,d records)",
          sent, distinct, lost.size(), duplicates.size(), deadLetters, publishedModel, modelsBeforeKill,
          modelsAfterKill, newTaskManagerStartedAt - killedAt, recoveryMillis(),
          allOutputAt < 0 ? -1 : allOutputAt - lastRecordSentAt, percentile(latencyBeforeKillMillis, 50),
          percentile(latencyBeforeKillMillis, 99), percentile(latencyBeforeKillMillis, 100),
          latencyBeforeKillMillis.length, percentile(latencyAfterRecoveryMillis, 50),
          percentile(latencyAfterRecoveryMillis, 99), percentile(latencyAfterRecoveryMillis, 100),
          latencyAfterRecoveryMillis.length);
    }
  }

  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

  private FailoverCheck() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    Settings settings = new Settings(Integer.parseInt(o.get("rate")), Integer.parseInt(o.get("beforeSeconds")),
        Integer.parseInt(o.get("afterSeconds")), o.get("outputDelivery"), Integer.parseInt(o.get("parallelism")),
        Integer.parseInt(o.get("checkpointingInterval")), Integer.parseInt(o.get("standbyTaskManagers")),
        o.get("serveOptions").isBlank() ? List.of() : List.of(o.get("serveOptions").trim().split("\\s+")));
    Outcome outcome = run(settings, ClusterScript.repoRoot(), System.out);
    System.out.println();
    System.out.println(outcome.describe());
    boolean exactlyOnce = outcome.lost().isEmpty() && outcome.duplicates().isEmpty();
    System.out.println(exactlyOnce ? "every record id came out exactly once" : "NOT exactly once");
    System.exit(exactlyOnce ? 0 : 1);
  }

  /** Runs the whole check on a cluster and broker of its own; progress goes to {@code log}. */
  public static Outcome run(Settings s, Path repo, PrintStream log) throws Exception {
    EmbeddedKafkaBroker.quietKafkaLogging();
    Path testdata = repo.resolve("testdata/files");
    List<String> wines = Files.readAllLines(testdata.resolve("wine.csv"), StandardCharsets.UTF_8);
    wines = wines.subList(1, wines.size());
    Path clusterDir = Files.createTempDirectory("flink-failover-check-");
    ClusterScript cluster = new ClusterScript(repo, clusterDir);
    Thread stopOnExit = cluster.stopOnExit();
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0);
    String bootstrap = kafka.bootstrapServers();
    ScoredOutput output = new ScoredOutput(bootstrap, "scored");
    ScoredOutput deadLetters = new ScoredOutput(bootstrap, "dead-letters");
    NumberedRecords source = new NumberedRecords(bootstrap, "records", wines, s.rate());
    List<Thread> threads = new ArrayList<>();
    boolean passed = false;
    int restPort = -1;
    String jobId = null;
    try {
      KafkaTopics.ensureTopics(bootstrap, KafkaTopics.servingTopics("models", "records", "scored", "dead-letters", 2));
      KafkaTopics.ensureTopics(bootstrap, KafkaTopics.servingTopics(null, null, "review", "comparisons", 2));
      ModelDescriptor model;
      try (ModelPublisher publisher = new ModelPublisher(bootstrap)) {
        model = ModelPublisher.describe(testdata.resolve("models/wine-tree.pmml"),
            new PublishOptions().name("wine-tree").dataType("wine").version("1"));
        publisher.send("models", model);
      }
      int prometheus = ClusterScript.freePortRange(6);
      restPort = ClusterScript.freePort();
      check(cluster.run(SCRIPT_TIMEOUT, "start", "--taskmanagers=" + (1 + s.standbyTaskManagers()),
          "--slots=" + s.parallelism(),
          "--rest-port=" + restPort, "--rpc-port=" + ClusterScript.freePort(),
          "--prometheus-ports=" + prometheus + "-" + (prometheus + 5)), "start");
      List<String> submitArgs = new ArrayList<>(List.of("submit", "--bootstrapServers=" + bootstrap,
          "--dataTopic=records", "--modelTopic=models", "--outputTopic=scored", "--deadLetterTopic=dead-letters",
          "--reviewTopic=review", "--comparisonTopic=comparisons",
          "--consumerGroup=failover-" + UUID.randomUUID(), "--dataTypes=wine",
          "--parallelism=" + s.parallelism(), "--outputDelivery=" + s.outputDelivery(), "--jobName=failover-check"));
      if (s.checkpointingInterval() > 0) {
        submitArgs.add("--checkpointingInterval=" + s.checkpointingInterval());
      }
      submitArgs.addAll(s.serveOptions());
      ClusterScript.Result submit = check(cluster.run(SCRIPT_TIMEOUT, submitArgs.toArray(new String[0])), "submit");
      jobId = ClusterScript.jobId(submit);
      log.println("submitted job " + jobId);

      threads.add(start(output, "read-scored"));
      threads.add(start(deadLetters, "read-dead-letters"));
      Thread sender = start(source, "send-records");
      long streamStart = System.currentTimeMillis();
      Path checkpoints = clusterDir.resolve("checkpoints").resolve(jobId);
      await("records scored for " + s.beforeSeconds() + " s and a checkpoint completed", Duration.ofMinutes(3),
          () -> System.currentTimeMillis() - streamStart >= s.beforeSeconds() * 1000L && output.distinct() > 0
              && hasCheckpoint(checkpoints), source, output);
      log.printf(Locale.ROOT, "before the kill: %,d sent, %,d distinct ids out%n", source.sent(), output.distinct());

      String victim = busyTaskManager(restPort);
      ClusterScript.Result kill = check(cluster.run(SCRIPT_TIMEOUT, "kill-taskmanager", "--signal=KILL",
          "--taskmanager=" + victim.substring(victim.lastIndexOf('-') + 1)), "kill-taskmanager");
      long killedAt = System.currentTimeMillis(); // the script exits right after sending SIGKILL
      long pid = Long.parseLong(kill.stdout().strip());
      await("the killed TaskManager (pid " + pid + ") gone", Duration.ofSeconds(10),
          () -> ProcessHandle.of(pid).map(ph -> !ph.isAlive()).orElse(true), source, output);
      // Without a standby the job waits for the new TaskManager; with one, the replacement (which restores
      // the spare) starts once the job has recovered, so as not to take the CPU from the restore.
      long startedAt = -1;
      if (s.standbyTaskManagers() == 0) {
        check(cluster.run(SCRIPT_TIMEOUT, "add-taskmanager"), "add-taskmanager");
        startedAt = System.currentTimeMillis();
      }
      await("output written after the kill", Duration.ofMinutes(2),
          () -> firstWrittenAfter(output, killedAt) > 0, source, output);
      if (startedAt < 0) {
        check(cluster.run(SCRIPT_TIMEOUT, "add-taskmanager"), "add-taskmanager");
        startedAt = System.currentTimeMillis();
      }
      log.printf(Locale.ROOT, "killed %s (running the job; %d standby); a new one registered %,d ms later%n", victim,
          s.standbyTaskManagers(), startedAt - killedAt);
      Thread.sleep(s.afterSeconds() * 1000L);
      source.stop();
      sender.join();
      long lastSentAt = System.currentTimeMillis();
      int sent = source.sent();
      await("every record out", Duration.ofMinutes(2), () -> allOut(output, sent), null, output);
      long allOutAt = System.currentTimeMillis();
      Thread.sleep(4_000); // two more checkpoints: a duplicate would have shown by now
      log.printf(Locale.ROOT, "stopped the stream at %,d records%n", sent);

      List<String> lost = new ArrayList<>();
      for (int i = 0; i < sent; i++) {
        if (!output.contains(NumberedRecords.id(i))) {
          lost.add(NumberedRecords.id(i));
        }
      }
      Map<String, Long> firstSeen = new java.util.HashMap<>();
      for (ScoredOutput.Message m : output.messages()) {
        firstSeen.putIfAbsent(m.id(), m.receivedAt());
      }
      long firstOutput = output.messages().get(0).receivedAt();
      long recovered = firstWrittenAfter(output, killedAt);
      long[] latencyBefore = latencies(source, sent, firstSeen, firstOutput + 5_000, killedAt - 3_000);
      long[] latencyAfter = latencies(source, sent, firstSeen, recovered + 5_000, Long.MAX_VALUE);
      passed = true;
      return new Outcome(sent, output.distinct(), lost, output.duplicates(),
          output.models(m -> m.writtenAt() < killedAt), output.models(m -> m.writtenAt() >= killedAt),
          model.getUuid() + "@" + model.getVersion(), deadLetters.total(), killedAt, startedAt,
          recovered, lastSentAt, allOutAt, latencyBefore, latencyAfter);
    } finally {
      if (jobId != null) {
        log.println("checkpoints: " + checkpointSummary(restPort, jobId));
      }
      source.stop();
      output.stop();
      deadLetters.stop();
      for (Thread t : threads) {
        t.join(10_000);
      }
      try {
        ClusterScript.Result stop = cluster.run(SCRIPT_TIMEOUT, "stop");
        ClusterScript.keepRunningOnExit(stopOnExit);
        log.println(stop.stdout().strip());
        log.println("the cluster's logs: " + cluster.keepLogs(repo.resolve("pipeline/target/failover-check/logs")));
        if (!passed) {
          log.println(cluster.logTails(60));
        }
      } finally {
        kafka.close();
        ModelArchives.deleteRecursively(clusterDir);
      }
    }
  }

  /** The id of a TaskManager that runs some of the job (has slots in use). */
  private static String busyTaskManager(int restPort) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + restPort + "/taskmanagers")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    for (com.fasterxml.jackson.databind.JsonNode tm : new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body())
        .path("taskmanagers")) {
      if (tm.path("freeSlots").asInt() < tm.path("slotsNumber").asInt()) {
        return tm.path("id").asText();
      }
    }
    throw new IllegalStateException("no TaskManager runs the job: " + r.body());
  }

  /** Flink's checkpoint statistics of the job: counts and end-to-end durations. */
  private static String checkpointSummary(int restPort, String jobId) {
    try {
      java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(
              "http://localhost:" + restPort + "/jobs/" + jobId + "/checkpoints")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      com.fasterxml.jackson.databind.JsonNode duration = json.path("summary").path("end_to_end_duration");
      return "completed " + json.path("counts").path("completed").asText() + ", failed "
          + json.path("counts").path("failed").asText() + "; end-to-end duration min " + duration.path("min").asText()
          + " ms, avg " + duration.path("avg").asText() + " ms, p99 " + duration.path("p99").asText() + " ms, max "
          + duration.path("max").asText() + " ms";
    } catch (Exception e) {
      return "(not available: " + e + ")";
    }
  }

  /** Sorted milliseconds from sending to first seeing the records sent within [from, until). */
  private static long[] latencies(NumberedRecords source, int sent, Map<String, Long> firstSeen, long from, long until) {
    return IntStream.range(0, sent).filter(i -> source.sentAt(i) >= from && source.sentAt(i) < until)
        .mapToLong(i -> firstSeen.get(NumberedRecords.id(i)) - source.sentAt(i)).sorted().toArray();
  }

  private static long percentile(long[] sorted, int p) {
    return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  /** When the first message written after {@code millis} was received, or -1. */
  private static long firstWrittenAfter(ScoredOutput output, long millis) {
    return output.messages().stream().filter(m -> m.writtenAt() >= millis)
        .mapToLong(ScoredOutput.Message::receivedAt).min().orElse(-1L);
  }

  private static boolean allOut(ScoredOutput output, int sent) {
    for (int i = sent - 1; i >= 0; i--) {
      if (!output.contains(NumberedRecords.id(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasCheckpoint(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.anyMatch(p -> p.getFileName().toString().startsWith("chk-"));
    } catch (Exception e) {
      return false;
    }
  }

  private static Thread start(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition, NumberedRecords source,
      ScoredOutput output) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (source != null && source.failure() != null) {
        throw new IllegalStateException(what + ": sending records failed", source.failure());
      }
      if (output.failure() != null) {
        throw new IllegalStateException(what + ": reading the output failed", output.failure());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": not within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  private static ClusterScript.Result check(ClusterScript.Result result, String command) {
    if (result.exitCode() != 0) {
      throw new IllegalStateException("cluster.sh " + command + " failed: " + result.describe());
    }
    return result;
  }

  private static Map<String, String> options(String[] args) {
    Settings d = Settings.defaults();
    Map<String, String> o = new LinkedHashMap<>();
    o.put("rate", String.valueOf(d.rate()));
    o.put("beforeSeconds", String.valueOf(d.beforeSeconds()));
    o.put("afterSeconds", String.valueOf(d.afterSeconds()));
    o.put("outputDelivery", d.outputDelivery());
    o.put("parallelism", String.valueOf(d.parallelism()));
    o.put("checkpointingInterval", String.valueOf(d.checkpointingInterval()));
    o.put("standbyTaskManagers", String.valueOf(d.standbyTaskManagers()));
    o.put("serveOptions", "");
    return CheckOptions.parse(args, o);
  }
}

package dev.modelserving.beam.pipeline.flink;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.FixedAnswerFormat;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The serving job on a real standalone Flink session cluster, driven the way a user drives it:
 * {@code runners-config/flink/cluster.sh start}, {@code status}, {@code submit}, {@code jobs},
 * {@code savepoint}, {@code cancel} and {@code stop}, with the application jar and {@code target/lib}
 * that {@code mvn package} built (so this runs with Failsafe, after {@code package}), against an
 * embedded Kafka broker. Every record published comes out scored or dead-lettered with a reason, the
 * TaskManager's Prometheus endpoint reports the serving counters, an upgrade (a changed job jar
 * submitted from a savepoint) goes on where the first job stopped with its model and runs the new
 * code, and stopping the cluster leaves no process behind.
 */
class FlinkClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int GOOD_RECORDS = 300;
  private static final int MORE_RECORDS = 50;
  private static final Map<String, String> BAD_RECORDS = Map.of(
      "bad-number", "bad-number,wine,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,not-a-number,5",
      "bad-columns", "bad-columns,wine,red,7.4,0.7");
  private static final String SCORED_METRIC = "flink_taskmanager_job_task_operator_model_serving_wine_scored";
  private static final String RECEIVED_METRIC = "flink_taskmanager_job_task_operator_model_serving_wine_received";
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(2);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void servesKafkaRecordsOnAStandaloneClusterAndStopsCleanly() throws Exception {
    EmbeddedKafkaBroker.quietKafkaLogging();
    Path testdata = Path.of(System.getProperty("testdata.dir"));
    Path clusterDir = Files.createTempDirectory("flink-cluster-it-");
    ClusterScript cluster = new ClusterScript(ClusterScript.repoRoot(), clusterDir);
    Map<String, Long> pids = Map.of();
    ClusterScript.Result stop;
    boolean passed = false;
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0);
    try {
      KafkaTopics.ensureTopics(kafka.bootstrapServers(),
          KafkaTopics.servingTopics("models", "records", "scored", "dead-letters", 2));
      ModelDescriptor model;
      try (ModelPublisher publisher = new ModelPublisher(kafka.bootstrapServers())) {
        model = ModelPublisher.describe(testdata.resolve("models/wine-tree.pmml"),
            new PublishOptions().name("wine-tree").dataType("wine").version("1"));
        publisher.send("models", model);
      }

      int restPort = ClusterScript.freePort();
      ClusterScript.Result start = cluster.run(SCRIPT_TIMEOUT, "start", "--taskmanagers=1", "--slots=2",
          "--rest-port=" + restPort, "--rpc-port=" + ClusterScript.freePort(),
          "--prometheus-ports=" + prometheusRange());
      assertEquals(0, start.exitCode(), start.describe());
      assertThat(oneSpace(start.stdout()), containsString("taskmanagers: 1 registered; slots: 2 total, 2 free"));

      ClusterScript.Result status = cluster.run(SCRIPT_TIMEOUT, "status");
      assertEquals(0, status.exitCode(), status.describe());
      assertThat(oneSpace(status.stdout()), containsString("web UI: http://localhost:" + restPort));
      pids = ClusterScript.pids(status);
      Map<String, Integer> prometheus = ClusterScript.prometheusPorts(status);
      assertThat(status.describe(), prometheus, hasKey("taskmanager-1"));
      assertThat(status.describe(), prometheus, hasKey("jobmanager"));
      // flink-runtime-web is on the cluster's classpath: the REST port serves the web UI
      assertThat(get("http://localhost:" + restPort + "/"), containsString("<html"));

      List<String> submitArgs = List.of("submit",
          "--bootstrapServers=" + kafka.bootstrapServers(), "--dataTopic=records", "--modelTopic=models",
          "--outputTopic=scored", "--deadLetterTopic=dead-letters", "--consumerGroup=cluster-it-" + UUID.randomUUID(),
          "--dataTypes=wine", "--parallelism=2");
      ClusterScript.Result submit = cluster.run(SCRIPT_TIMEOUT, submitArgs.toArray(new String[0]));
      String jobId = ClusterScript.jobId(submit);
      assertEquals(0, submit.exitCode(), submit.describe());
      assertThat(submit.describe(), jobId, notNullValue());
      assertThat(cluster.run(SCRIPT_TIMEOUT, "jobs").stdout(), containsString(jobId + "  RUNNING"));

      List<String> allWines = Files.readAllLines(testdata.resolve("wine.csv"), StandardCharsets.UTF_8)
          .subList(1, 1 + GOOD_RECORDS + MORE_RECORDS);
      List<String> wines = allWines.subList(0, GOOD_RECORDS);
      Set<String> goodIds = ids(wines);
      send(kafka.bootstrapServers(), wines);
      send(kafka.bootstrapServers(), List.copyOf(BAD_RECORDS.values()));

      // Every record comes out once: scored by the published model, or dead-lettered with a reason.
      List<JsonNode> scored = poll(kafka.bootstrapServers(), "scored", GOOD_RECORDS);
      List<JsonNode> deadLetters = poll(kafka.bootstrapServers(), "dead-letters", BAD_RECORDS.size());
      Set<String> scoredIds = new TreeSet<>();
      for (JsonNode record : scored) {
        scoredIds.add(record.path("id").asText());
        assertEquals(model.getUuid(), record.path("model").path("uuid").asText(), record.toString());
        assertFalse(record.path("result").path("label").asText().isEmpty(), record.toString());
      }
      assertEquals(goodIds, scoredIds);
      Map<String, String> reasons = new HashMap<>();
      for (JsonNode failure : deadLetters) {
        assertThat(failure.toString(), failure.path("reason").asText(), not(equalTo("")));
        reasons.put(failure.path("payload").asText().split(",")[0], failure.path("stage").asText());
      }
      assertEquals(Map.of("bad-number", "SCORE", "bad-columns", "PARSE"), reasons);

      // The TaskManager's Prometheus endpoint reports the serving counters, summed over subtasks.
      String metricsUrl = "http://localhost:" + prometheus.get("taskmanager-1") + "/metrics";
      assertEquals(GOOD_RECORDS, awaitMetric(metricsUrl, SCORED_METRIC, jobId, GOOD_RECORDS), 0.0,
          "the sum of " + SCORED_METRIC + " at " + metricsUrl);

      // The job checkpoints into the cluster's directory, whatever the serve command's own defaults are.
      Path checkpoints = clusterDir.resolve("checkpoints").resolve(jobId);
      assertTrue(awaitCheckpoint(checkpoints), "no completed checkpoint (chk-N) in " + checkpoints);

      // Upgrade: stop with a savepoint, and submit a changed job jar (one with a model format the first
      // job did not have) from it. Records sent while no job runs are not lost; the resumed job goes on
      // from the savepoint's Kafka offsets (it receives only the new records) with the model it held,
      // and runs the new jar's code: a model of the new format serves once published.
      ClusterScript.Result savepoint = cluster.run(SCRIPT_TIMEOUT, "savepoint", jobId);
      assertEquals(0, savepoint.exitCode(), savepoint.describe());
      String savepointPath = savepoint.stdout().strip();
      assertThat(savepointPath, startsWith("file:" + clusterDir.resolve("savepoints")));
      assertTrue(Files.isDirectory(Path.of(URI.create(savepointPath))), savepointPath);
      send(kafka.bootstrapServers(), allWines.subList(GOOD_RECORDS, allWines.size()));
      Path upgraded = UpgradedJar.build(UpgradedJar.applicationJar(ClusterScript.repoRoot()),
          Path.of(FixedAnswerFormat.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
          FixedAnswerFormat.class.getName(), clusterDir.resolve("upgrade/model-serving-pipeline-upgraded.jar"));
      List<String> resumeArgs = new ArrayList<>(submitArgs);
      resumeArgs.add(1, "--jobJar=" + upgraded);
      resumeArgs.add("--savepointPath=" + savepointPath);
      ClusterScript.Result resume = cluster.run(SCRIPT_TIMEOUT, resumeArgs.toArray(new String[0]));
      String resumedId = ClusterScript.jobId(resume);
      assertEquals(0, resume.exitCode(), resume.describe());
      List<JsonNode> allScored = poll(kafka.bootstrapServers(), "scored", GOOD_RECORDS + MORE_RECORDS);
      assertEquals(ids(allWines), allScored.stream().map(n -> n.path("id").asText()).collect(Collectors.toSet()));
      assertEquals(Set.of(model.getUuid()), allScored.stream().map(n -> n.path("model").path("uuid").asText())
          .collect(Collectors.toSet()), "every record scored by the model the savepoint held");
      assertEquals(MORE_RECORDS, awaitMetric(metricsUrl, RECEIVED_METRIC, resumedId, MORE_RECORDS), 0.0,
          "records the resumed job received");

      ModelDescriptor fixed = FixedAnswerFormat.model("wine-fixed", "1", System.currentTimeMillis(), "value=7");
      try (ModelPublisher publisher = new ModelPublisher(kafka.bootstrapServers())) {
        publisher.send("models", fixed);
      }
      JsonNode byNewFormat = awaitScoredBy(kafka.bootstrapServers(), fixed.getUuid(), allWines.get(0));
      assertEquals(7.0, byNewFormat.path("result").path("value").asDouble(), byNewFormat.toString());

      ClusterScript.Result cancel = cluster.run(SCRIPT_TIMEOUT, "cancel", resumedId);
      assertEquals(0, cancel.exitCode(), cancel.describe());
      assertThat(cancel.stdout(), containsString("job " + resumedId + " CANCELED"));
      passed = true;
    } finally {
      // the cluster stops before the broker its job reads from; both even when an assertion failed
      try {
        stop = cluster.run(SCRIPT_TIMEOUT, "stop");
        if (!passed) {
          System.out.println(cluster.logTails(40));
        }
      } finally {
        kafka.close();
        ModelArchives.deleteRecursively(clusterDir);
      }
    }
    assertEquals(0, stop.exitCode(), stop.describe());
    for (Map.Entry<String, Long> process : pids.entrySet()) {
      assertFalse(ProcessHandle.of(process.getValue()).map(ProcessHandle::isAlive).orElse(false),
          process.getKey() + " (pid " + process.getValue() + ") still runs after cluster.sh stop: " + stop.describe());
    }
    assertThat(stop.stdout(), containsString("stopped jobmanager taskmanager-1"));
  }

  /**
   * Sends probe records (copies of {@code row} with new ids) every half second until one comes out
   * scored by model {@code uuid}, and returns it; fails after {@link #OUTPUT_TIMEOUT}.
   */
  private static JsonNode awaitScoredBy(String bootstrapServers, String uuid, String row) throws IOException {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("scored"));
      consumer.poll(Duration.ofMillis(500)); // joins the group at the topic's end
      long deadline = System.nanoTime() + OUTPUT_TIMEOUT.toNanos();
      for (int i = 0; System.nanoTime() < deadline; i++) {
        send(bootstrapServers, List.of("probe-" + i + row.substring(row.indexOf(','))));
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          JsonNode json = JSON.readTree(record.value());
          if (json.path("model").path("uuid").asText().equals(uuid)) {
            return json;
          }
        }
      }
    }
    throw new AssertionError("no record scored by model " + uuid + " within " + OUTPUT_TIMEOUT);
  }

  /** Room for the JobManager and a TaskManager, and spare ports for processes that race for them. */
  private static String prometheusRange() {
    int first = ClusterScript.freePortRange(6);
    return first + "-" + (first + 5);
  }

  private static String oneSpace(String text) {
    return text.replaceAll(" +", " ");
  }

  private String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url);
    return response.body();
  }

  /** The sum of a job's metric over its subtasks, once it is {@code expected} or after 60 s. */
  private double awaitMetric(String url, String metric, String jobId, double expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      double sum = get(url).lines()
          .filter(l -> l.startsWith(metric + "{") && l.contains("job_id=\"" + jobId + "\""))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
      if (sum == expected || System.nanoTime() > deadline) {
        return sum;
      }
      Thread.sleep(500);
    }
  }

  /** Whether a chk-N directory appears in {@code dir} within 60 s. */
  private static boolean awaitCheckpoint(Path dir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(dir)) {
        try (var entries = Files.list(dir)) {
          if (entries.anyMatch(p -> p.getFileName().toString().startsWith("chk-"))) {
            return true;
          }
        }
      }
      Thread.sleep(500);
    }
    return false;
  }

  private static Set<String> ids(List<String> csvLines) {
    return csvLines.stream().map(l -> l.substring(0, l.indexOf(','))).collect(Collectors.toSet());
  }

  private static void send(String bootstrapServers, List<String> lines) {
    try (KafkaProducer<String, String> producer = producer(bootstrapServers)) {
      lines.forEach(line -> producer.send(new ProducerRecord<>("records", line)));
      producer.flush();
    }
  }

  private static KafkaProducer<String, String> producer(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /**
   * Reads {@code topic} from its start until {@code count} messages came, then for one second more
   * to catch any extra message; fails if they do not come within {@link #OUTPUT_TIMEOUT}.
   */
  private static List<JsonNode> poll(String bootstrapServers, String topic, int count) throws IOException {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic + "-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<JsonNode> messages = new java.util.ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + OUTPUT_TIMEOUT.toNanos();
      long settled = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settled)) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          messages.add(JSON.readTree(record.value()));
        }
        if (messages.size() >= count && settled == Long.MAX_VALUE) {
          settled = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        }
      }
    }
    assertEquals(count, messages.size(), "messages on topic " + topic);
    return messages;
  }
}

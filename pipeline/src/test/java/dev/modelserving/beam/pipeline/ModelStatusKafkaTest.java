package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.TopicReaders;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import dev.modelserving.beam.pipeline.kafka.StatusCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model status stream on Kafka and the {@code status} command, against a real broker: before a
 * pipeline ran, the command says the topic is missing, then empty; a serve run on the DirectRunner
 * publishes reports keyed by data type, and the command prints the latest one as a table and as
 * JSON; bounded runs on the Flink runner, keyed and broadcast, report every record scored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelStatusKafkaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECORDS = 40;

  private EmbeddedKafkaBroker broker;

  @BeforeAll
  void startKafka() throws Exception {
    EmbeddedKafkaBroker.quietKafkaLogging();
    broker = EmbeddedKafkaBroker.start(0);
  }

  @AfterAll
  void stopKafka() {
    broker.close();
  }

  @Test
  void theStatusCommandPrintsTheLatestReportAServeRunPublished() throws Exception {
    String statusTopic = "status-it";
    Command missing = status("--statusTopic=" + statusTopic);
    assertThat(missing.exit, equalTo(1));
    assertThat(missing.err, containsString("topic 'status-it' does not exist"));

    ServingOptions options = ServingMain.parse(new String[] {
        "--bootstrapServers=" + broker.bootstrapServers(), "--dataTopic=records-status", "--modelTopic=models-status",
        "--outputTopic=scored-status", "--deadLetterTopic=dead-letters-status", "--statusTopic=" + statusTopic,
        "--statusIntervalSeconds=1", "--consumerGroup=status-it", "--dataTypes=wine"});
    KafkaTopics.ensureTopics(broker.bootstrapServers(), ServingTopics.of(options));
    Command empty = status("--statusTopic=" + statusTopic);
    assertThat(empty.exit, equalTo(1));
    assertThat(empty.err, containsString("topic 'status-it' has no report yet"));

    Path testdata = Paths.get(System.getProperty("testdata.dir"));
    ModelDescriptor tree = ModelPublisher.describe(testdata.resolve("models/wine-tree.pmml"),
        new PublishOptions().name("wine-tree").dataType("wine").version("3"));
    try (ModelPublisher publisher = new ModelPublisher(broker.bootstrapServers())) {
      publisher.send(options.getModelTopic(), tree);
    }
    PipelineResult run = KafkaServing.build(options).run();
    try (KafkaProducer<String, String> producer = producer();
        KafkaConsumer<String, String> status = consumer(statusTopic)) {
      List<String> lines = Files.readAllLines(testdata.resolve("wine.csv"), StandardCharsets.UTF_8);
      for (String line : lines.subList(1, 1 + RECORDS)) {
        producer.send(new ProducerRecord<>(options.getDataTopic(), line.split(",", 2)[0], line));
      }
      producer.flush();
      JsonNode report = awaitReport(status, r -> r.path("models").path(0).path("scored").asLong() == RECORDS);
      assertThat(report.path("dataType").asText(), equalTo("wine"));
      assertThat(report.path("lastChange").path("kind").asText(), equalTo("added"));
    } finally {
      ServingMain.cancelQuietly(run);
    }

    Command table = status("--statusTopic=" + statusTopic);
    assertThat(table.err, table.exit, equalTo(0));
    List<String> out = Arrays.asList(table.out.split("\n"));
    assertThat(table.out, out, hasItem(matchesPattern("wine\\s+policy current\\s+report #\\d+ \\((interval|change)\\) at .*")));
    assertThat(table.out, out, hasItem(matchesPattern(
        "\\s+wine-tree\\s+3\\s+current\\s+pmml\\s+\\S+Z\\s+\\S+Z\\s+" + RECORDS + "\\s+" + RECORDS + "\\s+0\\s+\\d+\\s+\\d+ / [\\d.]+ / \\d+")));
    assertThat(table.out, containsString("last change: added 'wine-tree' v3 at "));

    Command json = status("--statusTopic=" + statusTopic, "--json");
    assertThat(json.err, json.exit, equalTo(0));
    JsonNode latest = JSON.readTree(json.out.trim());
    JsonNode model = latest.path("models").path(0);
    assertThat(latest.path("kind").asText(), equalTo("model-status"));
    assertThat(model.path("uuid").asText(), equalTo(tree.getUuid()));
    assertThat(model.path("scored").asLong(), equalTo((long) RECORDS));
    assertThat(model.path("calls").asLong(), greaterThan(0L));
    assertThat(model.path("latencyMicros").path("min").asDouble(),
        org.hamcrest.Matchers.lessThanOrEqualTo(model.path("latencyMicros").path("max").asDouble()));

    Command other = status("--statusTopic=" + statusTopic, "--dataType=beer");
    assertThat(other.exit, equalTo(1));
    assertThat(other.err, containsString("has no report of data type 'beer' yet"));
  }

  /**
   * On the Flink runner ([local]), keyed and broadcast: a bounded run (a known number of records
   * and models) reports the model when it takes over and, when its input ends, every record it
   * scored.
   */
  @ParameterizedTest(name = "{0} mode")
  @ValueSource(strings = {"keyed", "broadcast"})
  void onFlinkTheLastReportCountsEveryRecord(String mode) throws Exception {
    String suffix = "-flink-" + mode;
    ServingOptions options = ServingMain.parse(new String[] {
        "--runner=FlinkRunner", "--flinkMaster=[local]", "--streaming=true", "--parallelism=2", "--attachedMode=true",
        "--bootstrapServers=" + broker.bootstrapServers(), "--dataTopic=records" + suffix, "--modelTopic=models" + suffix,
        "--outputTopic=scored" + suffix, "--deadLetterTopic=dead-letters" + suffix, "--statusTopic=status" + suffix,
        "--consumerGroup=status" + suffix, "--dataTypes=wine", "--servingMode=" + mode,
        "--maxRecords=" + RECORDS, "--maxModels=1"});
    KafkaTopics.ensureTopics(broker.bootstrapServers(), ServingTopics.of(options));
    org.apache.beam.sdk.Pipeline pipeline = KafkaServing.build(options); // reads the (empty) model topic first
    CompletableFuture<PipelineResult> run = CompletableFuture.supplyAsync(() -> {
      PipelineResult result = pipeline.run();
      result.waitUntilFinish();
      return result;
    });
    Path testdata = Paths.get(System.getProperty("testdata.dir"));
    ModelDescriptor tree = ModelPublisher.describe(testdata.resolve("models/wine-tree.pmml"),
        new PublishOptions().name("wine-tree").dataType("wine").version("5"));
    try (ModelPublisher publisher = new ModelPublisher(broker.bootstrapServers());
        KafkaProducer<String, String> producer = producer()) {
      publisher.send(options.getModelTopic(), tree);
      List<String> lines = Files.readAllLines(testdata.resolve("wine.csv"), StandardCharsets.UTF_8);
      for (String line : lines.subList(1, 1 + RECORDS)) {
        producer.send(new ProducerRecord<>(options.getDataTopic(), line.split(",", 2)[0], line));
      }
      producer.flush();
    }
    assertThat(run.get(3, TimeUnit.MINUTES).getState(), equalTo(PipelineResult.State.DONE));

    Command json = status("--statusTopic=" + options.getStatusTopic(), "--json");
    assertThat(json.err, json.exit, equalTo(0));
    JsonNode last = JSON.readTree(json.out.trim());
    assertThat(last.toString(), last.path("trigger").asText(), equalTo("input-ended"));
    assertThat(last.path("lastChange").path("uuid").asText(), equalTo(tree.getUuid()));
    assertThat(last.path("models").size(), equalTo(1));
    assertThat(last.path("models").path(0).path("scored").asLong(), equalTo((long) RECORDS));
    assertThat(last.path("models").path(0).path("version").asText(), equalTo("5"));
  }

  /**
   * Reports go out from the start, so a missing status topic is created when the pipeline is built,
   * or, with {@code --createTopics=false}, refused then with what to do, not on the first report.
   */
  @Test
  void aMissingStatusTopicIsCreatedOrRefusedWhenThePipelineIsBuilt() throws Exception {
    String[] args = {"--bootstrapServers=" + broker.bootstrapServers(), "--modelTopic=models-missing-status",
        "--statusTopic=status-missing", "--consumerGroup=status-missing"};
    KafkaTopics.ensureTopics(broker.bootstrapServers(), Map.of("models-missing-status", KafkaTopics.TopicSpec.modelTopic()));

    String[] refusing = Arrays.copyOf(args, args.length + 1);
    refusing[args.length] = "--createTopics=false";
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> KafkaServing.build(ServingMain.parse(refusing)));
    assertThat(refused.getMessage(), containsString("--statusTopic 'status-missing' does not exist and --createTopics=false"));
    assertThat(status("--statusTopic=status-missing").err, containsString("does not exist"));

    KafkaServing.build(ServingMain.parse(args));
    assertThat(status("--statusTopic=status-missing").err, containsString("topic 'status-missing' has no report yet"));
  }

  /** Polls the status topic until a report matches (at most 2 minutes). */
  private static JsonNode awaitReport(KafkaConsumer<String, String> consumer,
      java.util.function.Predicate<JsonNode> wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        last = JSON.readTree(r.value());
        assertThat("records on the status topic are keyed by data type", r.key(), equalTo(last.path("dataType").asText()));
        if (wanted.test(last)) {
          return last;
        }
      }
    }
    throw new AssertionError("no such status report within 2 minutes; the last was " + last);
  }

  private Command status(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--bootstrapServers=" + broker.bootstrapServers();
    all[1] = "--timeoutSeconds=30";
    System.arraycopy(args, 0, all, 2, args.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = StatusCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Command(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static final class Command {
    final int exit;
    final String out;
    final String err;

    Command(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }
  }

  private KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private KafkaConsumer<String, String> consumer(String topic) {
    return TopicReaders.fromStart(broker.bootstrapServers(), topic);
  }
}

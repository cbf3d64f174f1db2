package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.isOneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.TopicReaders;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import dev.modelserving.beam.testdata.WineSchema;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole application against a real Kafka broker, on the DirectRunner and on the Flink runner
 * ([local] mini-cluster): models and records published to topics come out scored on the output
 * topic, bad ones on the dead-letter topic, a model swap mid-stream shows in the scored records, and
 * the counts balance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaServingIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 150;
  private static final List<String> BAD_RECORDS = List.of(
      "this is not a wine record",
      "bad-1,wine,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,not-a-number,5",
      "bad-2,beer,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,9.4,5",
      "bad-3,wine,red,7.4,0.7");

  private EmbeddedKafkaBroker broker;
  private volatile CompletableFuture<PipelineResult> pipelineRun;
  private List<String> wines;
  private Path models;

  @BeforeAll
  void startKafka() throws Exception {
    EmbeddedKafkaBroker.quietKafkaLogging();
    broker = EmbeddedKafkaBroker.start(0);
    Path testdata = Paths.get(System.getProperty("testdata.dir"));
    List<String> lines = Files.readAllLines(testdata.resolve("wine.csv"), StandardCharsets.UTF_8);
    wines = lines.subList(1, 1 + 2 * BATCH);
    models = testdata.resolve("models");
  }

  @AfterAll
  void stopKafka() {
    broker.close();
  }

  @ParameterizedTest(name = "{0}, {1} mode")
  @CsvSource({"DirectRunner, keyed", "DirectRunner, broadcast", "FlinkRunner, keyed", "FlinkRunner, broadcast"})
  void scoresRecordsFromKafkaAndSwapsModelsWhileRunning(String runner, String mode) throws Exception {
    String suffix = "-" + runner.toLowerCase() + "-" + mode;
    String dataTopic = "records" + suffix;
    String modelTopic = "models" + suffix;
    String outputTopic = "scored" + suffix;
    String deadLetterTopic = "dead-letters" + suffix;
    KafkaTopics.ensureTopics(broker.bootstrapServers(),
        KafkaTopics.servingTopics(modelTopic, dataTopic, outputTopic, deadLetterTopic, 2));

    List<String> args = new ArrayList<>(List.of(
        "--runner=" + runner,
        "--bootstrapServers=" + broker.bootstrapServers(),
        "--dataTopic=" + dataTopic, "--modelTopic=" + modelTopic,
        "--outputTopic=" + outputTopic, "--deadLetterTopic=" + deadLetterTopic,
        "--consumerGroup=it" + suffix, "--maxHoldSeconds=30", "--dataTypes=wine", "--servingMode=" + mode));
    boolean flink = runner.equals("FlinkRunner");
    if (flink) {
      // Flink reports Beam metrics with the job's final result: read a known number of records and
      // models (bounded reads), attached, so the job ends by itself. The DirectRunner's metrics are
      // live, but its bounded Kafka read emits nothing until it has read everything, so there the
      // pipeline runs unbounded and is cancelled at the end.
      args.addAll(List.of("--flinkMaster=[local]", "--streaming=true", "--parallelism=2", "--attachedMode=true",
          "--maxRecords=" + (2 * BATCH + BAD_RECORDS.size()), "--maxModels=3"));
    }
    ServingOptions options = ServingMain.parse(args.toArray(new String[0]));

    try (ModelPublisher publisher = new ModelPublisher(broker.bootstrapServers());
        KafkaProducer<String, String> producer = producer();
        KafkaConsumer<String, String> output = consumer(outputTopic);
        KafkaConsumer<String, String> deadLetters = consumer(deadLetterTopic)) {
      ModelDescriptor linear = ModelPublisher.describe(models.resolve("wine-linear.pmml"),
          new PublishOptions().name("wine-linear").dataType("wine").version("1"));
      publisher.send(modelTopic, linear); // before the start: found by the start-up read of the model topic

      CompletableFuture<Void> built = new CompletableFuture<>();
      CompletableFuture<PipelineResult> started = new CompletableFuture<>();
      CompletableFuture<PipelineResult> run = CompletableFuture.supplyAsync(() -> {
        org.apache.beam.sdk.Pipeline pipeline = KafkaServing.build(options);
        built.complete(null); // the model topic's start-up read is done; the stream follows from here
        PipelineResult result = pipeline.run();
        started.complete(result);
        result.waitUntilFinish();
        return result;
      });
      pipelineRun = run; // a pipeline that fails fails the test at once, with its cause

      // A corrupt model while it runs is rejected; the first model keeps serving.
      built.get(2, TimeUnit.MINUTES);
      publisher.send(modelTopic, linear.toBuilder().setName("wine-broken").setVersion("1")
          .setUuid("broken-1").setModelBytes(ByteString.copyFromUtf8("<PMML>truncated")).build());
      sendTombstone(modelTopic, "wine/wine-retired"); // a deleted model key on the compacted topic

      // Records published while the pipeline starts and runs are all scored by the first model.
      send(producer, dataTopic, wines.subList(0, BATCH));
      List<JsonNode> first = poll(output, BATCH);
      assertThat(uuids(first), everyItem(equalTo(linear.getUuid())));

      // A new model while it runs: once one record comes out scored by it, every later record is.
      // Batch two goes one record at a time until the swap shows, then all at once.
      ModelDescriptor mlp = ModelPublisher.describe(models.resolve("wine-mlp"), new PublishOptions()
          .name("wine-mlp").dataType("wine").version("7").tensorColumns(WineSchema.NUMERIC_FEATURES)
          .outputs(List.of("quality")));
      publisher.send(modelTopic, mlp);
      List<String> secondBatch = wines.subList(BATCH, 2 * BATCH);
      int probes = 0;
      boolean swapped = false;
      while (!swapped) {
        assertThat("the swap shows within the second batch", probes < BATCH, equalTo(true));
        send(producer, dataTopic, List.of(secondBatch.get(probes++)));
        JsonNode probe = poll(output, 1).get(0);
        swapped = probe.path("model").path("uuid").asText().equals(mlp.getUuid());
        if (!swapped) {
          assertThat(probe.path("model").path("uuid").asText(), equalTo(linear.getUuid()));
        }
      }
      send(producer, dataTopic, secondBatch.subList(probes, BATCH));
      send(producer, dataTopic, BAD_RECORDS);
      List<JsonNode> second = poll(output, BATCH - probes);
      for (JsonNode n : second) {
        assertThat(n.path("model").path("name").asText(), equalTo("wine-mlp"));
        assertThat(n.path("model").path("version").asText(), equalTo("7"));
        assertThat(n.path("model").path("uuid").asText(), equalTo(mlp.getUuid()));
        assertThat(n.path("model").path("format").asText(), equalTo("tensorflow-saved-model"));
        assertThat(n.path("result").path("value").isNumber(), equalTo(true));
      }

      List<JsonNode> failures = poll(deadLetters, BAD_RECORDS.size() + 2);
      Map<String, List<String>> byStage = failures.stream().collect(Collectors.groupingBy(
          n -> n.path("stage").asText(), Collectors.mapping(n -> n.path("reason").asText(), Collectors.toList())));
      assertThat(byStage.get("PARSE"), hasSize(2));
      assertThat(byStage.get("ROUTE").get(0), containsString("unknown data type 'beer'"));
      assertThat(byStage.get("SCORE").get(0), containsString("alcohol"));
      assertThat(byStage.get("MODEL"), hasSize(2));
      assertThat(String.join(" | ", byStage.get("MODEL")), containsString("wine-broken"));
      assertThat(String.join(" | ", byStage.get("MODEL")), containsString("tombstone"));

      long in = 2L * BATCH + BAD_RECORDS.size();
      Map<String, Long> counters;
      if (flink) {
        PipelineResult result = run.get(3, TimeUnit.MINUTES);
        assertEquals(PipelineResult.State.DONE, result.getState());
        counters = ServingReport.counters(result);
      } else {
        PipelineResult result = started.get();
        counters = LiveCounters.await(result, "received", in);
        result.cancel();
      }
      assertEquals(in, ServingReport.sum(counters, "received"));
      assertEquals(2L * BATCH, ServingReport.sum(counters, "scored"));
      assertEquals(BAD_RECORDS.size(), ServingReport.sum(counters, "dead-lettered"));
      assertEquals(0, ServingReport.sum(counters, "unserved"));
      assertEquals(1, ServingReport.sum(counters, "model-load-failures"));
      // Nothing beyond what was sent: no duplicates on the output topic.
      assertThat(poll(output, 0), hasSize(0));
    }
  }

  private static List<String> uuids(List<JsonNode> scored) {
    return scored.stream().map(n -> n.path("model").path("uuid").asText()).collect(Collectors.toList());
  }

  /**
   * A pipeline started without a checkpoint reads the compacted model topic up to its end and
   * rebuilds the model set of its data type from it ({@code ModelTopicBootstrap}), over several
   * shards: the latest version that loads and fits the records serves, with the version before it
   * kept for a rollback; newer versions that cannot serve never do, and no record goes unscored.
   * Records that arrive while the set is rebuilt may be scored by the version before (the set
   * passes through the states it passed through when the models were published), never by an
   * older one; once the latest version has loaded, it scores every record.
   */
  @org.junit.jupiter.api.Test
  void aFreshStartServesTheLatestModelPublishedBeforeIt() throws Exception {
    String dataTopic = "records-fresh";
    String modelTopic = "models-fresh";
    String outputTopic = "scored-fresh";
    KafkaTopics.ensureTopics(broker.bootstrapServers(),
        KafkaTopics.servingTopics(modelTopic, dataTopic, outputTopic, "dead-letters-fresh", 2));
    ModelDescriptor v0;
    ModelDescriptor v1;
    ModelDescriptor v2;
    // versions published a second apart, as versions are: created within the same millisecond, an
    // older one that arrives late would not count as older
    long now = System.currentTimeMillis();
    try (ModelPublisher publisher = new ModelPublisher(broker.bootstrapServers())) {
      v0 = ModelPublisher.describe(models.resolve("wine-tree.pmml"),
          new PublishOptions().name("wine-tree").dataType("wine").version("0").createdAtMillis(now - 3000));
      v1 = ModelPublisher.describe(models.resolve("wine-tree.pmml"),
          new PublishOptions().name("wine-tree").dataType("wine").version("1").createdAtMillis(now - 2000));
      v2 = ModelPublisher.describe(models.resolve("wine-tree.pmml"),
          new PublishOptions().name("wine-tree").dataType("wine").version("2").createdAtMillis(now - 1000));
      publisher.send(modelTopic, v0);
      publisher.send(modelTopic, v1);
      publisher.send(modelTopic, v2);
      // newer messages that cannot serve were rejected when published, and v2 served on:
      publisher.send(modelTopic, v2.toBuilder().setVersion("3").setUuid("corrupt-3")
          .setModelBytes(ByteString.copyFromUtf8("not a model")).build());
      publisher.send(modelTopic, ModelPublisher.describe(models.resolve("wine-tree.pmml"), new PublishOptions()
          .name("wine-tree").dataType("wine").version("4").uuid("reads-unknown-field-4")
          .inputMapping(Map.of("alcohol", "alcohol_pct"))));
    }
    // Records wait on the data topic before the pipeline starts, so they race with its model read.
    try (KafkaProducer<String, String> producer = producer()) {
      send(producer, dataTopic, wines.subList(0, 60));
    }
    ServingOptions options = ServingMain.parse(new String[] {
        "--bootstrapServers=" + broker.bootstrapServers(), "--dataTopic=" + dataTopic,
        "--modelTopic=" + modelTopic, "--outputTopic=" + outputTopic,
        "--deadLetterTopic=dead-letters-fresh", "--consumerGroup=fresh", "--shards=3"});
    PipelineResult result = KafkaServing.build(options).run();
    try (KafkaConsumer<String, String> output = consumer(outputTopic);
        KafkaProducer<String, String> producer = producer()) {
      List<JsonNode> scored = poll(output, 60);
      assertThat(uuids(scored), everyItem(isOneOf(v1.getUuid(), v2.getUuid())));
      // Once v2 has loaded, v2 scores every record.
      List<String> more = wines.subList(60, 2 * BATCH);
      int probes = 0;
      boolean latest = false;
      while (!latest) {
        assertThat("v2 serves within " + more.size() + " records", probes < more.size() - 30, equalTo(true));
        send(producer, dataTopic, List.of(more.get(probes++)));
        String uuid = poll(output, 1).get(0).path("model").path("uuid").asText();
        assertThat(uuid, isOneOf(v1.getUuid(), v2.getUuid()));
        latest = uuid.equals(v2.getUuid());
      }
      send(producer, dataTopic, more.subList(probes, probes + 30));
      List<JsonNode> after = poll(output, 30);
      assertThat(uuids(after), everyItem(equalTo(v2.getUuid())));
      assertThat(after.stream().map(n -> n.path("model").path("version").asText()).collect(Collectors.toSet()),
          equalTo(java.util.Set.of("2")));
    } finally {
      ServingMain.cancelQuietly(result);
    }
  }


  private void sendTombstone(String topic, String key) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, null)).get();
    }
  }

  private static void send(KafkaProducer<String, String> producer, String topic, List<String> lines) {
    for (String line : lines) {
      producer.send(new ProducerRecord<>(topic, line.split(",", 2)[0], line));
    }
    producer.flush();
  }

  /**
   * Polls until {@code n} records came (at most 2 minutes), and returns them; with {@code n == 0},
   * returns what arrives within 3 seconds.
   */
  private List<JsonNode> poll(KafkaConsumer<String, String> consumer, int n) throws Exception {
    List<JsonNode> got = new ArrayList<>();
    long deadline = System.nanoTime() + (n == 0 ? TimeUnit.SECONDS.toNanos(3) : TimeUnit.MINUTES.toNanos(2));
    while ((n == 0 || got.size() < n) && System.nanoTime() < deadline) {
      if (pipelineRun != null && pipelineRun.isCompletedExceptionally()) {
        pipelineRun.join(); // throws the pipeline's failure
      }
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        got.add(JSON.readTree(r.value()));
      }
    }
    assertThat("records on the topic", got, hasSize(n));
    return got;
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

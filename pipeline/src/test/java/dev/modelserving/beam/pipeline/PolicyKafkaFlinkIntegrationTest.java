package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.isOneOf;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.pipeline.io.ParseModels;
import dev.modelserving.beam.pipeline.io.ParseRecords;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.TopicReaders;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.ModelTopicBootstrap;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.pipeline.record.RecordSchema;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.ModelAnswer;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ShadowComparison;
import dev.modelserving.beam.serving.NoModelPolicy;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.SwapPolicy;
import dev.modelserving.beam.serving.policy.ServingPolicies;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import dev.modelserving.beam.serving.policy.StickyRouter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving policies on the Flink runner ({@code [local]} mini-cluster, parallelism 2, unbounded,
 * detached) against a real Kafka broker: a small pipeline built here reads records and model
 * messages from topics, serves them with {@link ServeModels} under a policy, and writes every
 * outcome (scored, review, dead letter, unserved, shadow comparison, rejected model) as one JSON
 * line to an outcome topic, which the test reads while it publishes.
 *
 * <ul>
 *   <li>speculative: a fast model and one slower than the budget; every record is answered by the
 *       fast model within the budget, and the slow one is reported timed out or skipped;
 *   <li>routed: an 80/20 split (every record goes where its id's hash says, and the shares are
 *       within 5 points), a blue/green switch mid-stream, then a shadow that appears in
 *       comparisons only;
 *   <li>a fresh start from the model topic ({@link ModelTopicBootstrap}): the rebuilt set keeps each
 *       model's previous version, so rollbacks published afterwards work;
 * </ul>
 *
 * and in every test the records balance: records in = scored + review + dead letters + unserved
 * (bad records, and beer records, for which no model is published, are among them). Models are
 * {@link FixedAnswerFormat} models (a fixed value, a set delay per batch call). Where a test waits
 * for a change to take effect (a model joining the set, a routing message), it sends probe records
 * one at a time until one shows it; models and records travel on separate topics, so only what is
 * published after that is bound to see the change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PolicyKafkaFlinkIntegrationTest {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyKafkaFlinkIntegrationTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a record of a data type without a model is held before it is unserved. */
  private static final int HOLD_SECONDS = 8;
  /** The longest wait for the outcomes of what was published. */
  private static final Duration WAIT = Duration.ofMinutes(3);
  /** Where the runs checkpoint: each run its own, and nothing restored. */
  @TempDir
  static java.nio.file.Path checkpoints;
  /**
   * Bad lines: two that do not parse, one of a data type the pipeline does not serve, and one whose
   * alcohol (which every model here reads) is not a number.
   */
  private static final List<String> BAD_RECORDS = List.of(
      "this is not a wine record",
      "bad-1,wine,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,not-a-number,5",
      "bad-2,cider,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,9.4,5",
      "bad-3,wine,red,7.4,0.7");
  private static final long T0 = System.currentTimeMillis() - 3_600_000L;

  private EmbeddedKafkaBroker broker;
  private List<String> wines;

  @BeforeAll
  void startKafka() throws Exception {
    EmbeddedKafkaBroker.quietKafkaLogging();
    broker = EmbeddedKafkaBroker.start(0);
    Path testdata = Paths.get(System.getProperty("testdata.dir"));
    List<String> lines = Files.readAllLines(testdata.resolve("wine.csv"), StandardCharsets.UTF_8);
    wines = lines.subList(1, lines.size());
  }

  @AfterAll
  void stopKafka() {
    broker.close();
  }

  // ---- speculative ------------------------------------------------------------------------------

  /**
   * Speculative with a 200 ms budget: the fast model answers in well under a millisecond, the slow
   * one takes 1.5 s a batch. Once both serve (probe records show it), every wine record is scored
   * by the fast model, whose call took less
   * than the budget; the slow model is timed out (the batch that called it waited the budget) or
   * skipped (still busy with a batch it missed the budget for), and some batch timed it out.
   */
  @Test
  void speculativeAnswersEveryRecordWithTheFastModelWithinTheBudget() throws Exception {
    long budgetMillis = 200;
    Topics t = topics("speculative");
    publish(t, FixedAnswerFormat.model("fast", "1", T0 + 1, "value=5;reads=alcohol"),
        FixedAnswerFormat.model("slow", "1", T0 + 2, "value=9;delayMillis=1500;reads=alcohol"));
    ServingPolicy policy = ServingPolicies.speculative(org.joda.time.Duration.millis(budgetMillis), "fast")
        .preferring("slow");
    long started = System.nanoTime();
    try (Run run = start(t, serving(policy), null, "speculative")) {
      List<String> lines = new ArrayList<>(BAD_RECORDS);
      lines.addAll(beer(3));
      run.send(lines);
      // until the slow model has joined the set, the fast one serves alone: probes until both serve
      run.probeUntil("both", r -> r.path("answers").size() == 2);
      List<String> batch = wines.subList(0, 200);
      for (int i = 0; i < batch.size(); i += 40) { // in five bursts, so that several batches call the slow model
        run.send(batch.subList(i, i + 40));
        Thread.sleep(400);
      }
      run.awaitBalance();

      List<JsonNode> scored = run.awaitScored(idsOf(batch));
      assertEquals(batch.size(), scored.size(), "every wine record is scored, once");
      Map<String, Integer> slowStatus = new TreeMap<>();
      long maxFastMicros = 0;
      for (JsonNode r : scored) {
        assertThat(r.path("model").asText(), equalTo("fast"));
        assertThat(r.path("value").asDouble(), equalTo(5.0));
        assertThat(r.path("decision").asText(), equalTo("speculative/fast"));
        JsonNode fast = answer(r, "fast");
        JsonNode slow = answer(r, "slow");
        assertThat(fast.path("status").asText(), equalTo("ANSWERED"));
        long fastMicros = fast.path("latencyNanos").asLong() / 1000;
        assertThat("the fast model answered within the budget", fastMicros, lessThanOrEqualTo(budgetMillis * 1000));
        maxFastMicros = Math.max(maxFastMicros, fastMicros);
        assertThat(slow.path("status").asText(), isOneOf("TIMED_OUT", "SKIPPED"));
        if (slow.path("status").asText().equals("TIMED_OUT")) {
          assertThat(slow.path("failure").asText(), containsString(budgetMillis + " ms budget"));
        }
        slowStatus.merge(slow.path("status").asText() + " (" + slow.path("failure").asText() + ")", 1, Integer::sum);
      }
      assertThat("some batch called the slow model and timed it out",
          slowStatus.keySet().stream().anyMatch(s -> s.startsWith("TIMED_OUT")), equalTo(true));
      assertThat(run.outcomes.of("comparison"), empty());
      run.assertBadRecordsAndBeer(3);
      LOG.info("speculative: {} scored by the fast model (slowest fast call {} us, budget {} ms); slow model: {};"
              + " end-to-end latency {}; test took {} s",
          scored.size(), maxFastMicros, budgetMillis, slowStatus, run.latencies(scored),
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }
  }

  // ---- routed -----------------------------------------------------------------------------------

  /**
   * Routed, on one serving key (so that once a record shows a routing, every later record is served
   * under it): an 80/20 split of blue and green, where every record goes to the model its id's
   * hash picks and green's share is 20% within 5 points; then "green active" mid-stream, after
   * which every record goes to green; then blue active with green as a shadow, whose answers are in
   * the comparisons, one per record, and never a result.
   */
  @Test
  void routingSplitsSwitchesAndShadowsWhileRunning() throws Exception {
    Topics t = topics("routed");
    ModelDescriptor green = FixedAnswerFormat.model("green", "1", T0 + 1, "value=2;reads=alcohol");
    ModelDescriptor blue = FixedAnswerFormat.model("blue", "1", T0 + 2, "value=1;reads=alcohol");
    Routing split = routing(List.of(), "blue", 80, "green", 20);
    publish(t, green, blue, ModelDescriptors.route("wine", split));
    long started = System.nanoTime();
    try (Run run = start(t, serving(ServingPolicies.routed()).withShards(1), null, "routed")) {
      List<String> lines = new ArrayList<>(BAD_RECORDS);
      lines.addAll(beer(2));
      run.send(lines);

      // 80/20: probes until the routing shows, then 400 records
      run.probeUntil("split", r -> r.path("reason").asText().contains(ModelDescriptors.describe(split)));
      List<String> splitBatch = wines.subList(0, 400);
      run.send(splitBatch);
      List<JsonNode> splitScored = run.awaitScored(idsOf(splitBatch));
      int toGreen = 0;
      for (JsonNode r : splitScored) {
        String id = r.path("id").asText();
        String expected = StickyRouter.pick(StickyRouter.point(id), new double[] {80, 20}) == 0 ? "blue" : "green";
        assertThat("record " + id + " sticks to the model its hash picks", r.path("model").asText(), equalTo(expected));
        assertThat(r.path("decision").asText(), equalTo("routed/weight"));
        assertThat(r.path("value").asDouble(), equalTo(expected.equals("blue") ? 1.0 : 2.0));
        toGreen += expected.equals("green") ? 1 : 0;
      }
      double greenShare = 100.0 * toGreen / splitScored.size();
      assertThat("green's share " + greenShare + "% is 20% within 5 points", Math.abs(greenShare - 20), lessThanOrEqualTo(5.0));

      // blue/green: everything to green from the first record that shows the new routing on
      Routing greenActive = routing(List.of(), "green", 1);
      publish(t, ModelDescriptors.route("wine", greenActive));
      run.probeUntil("switch", r -> r.path("reason").asText().contains(ModelDescriptors.describe(greenActive)));
      List<String> switchBatch = wines.subList(400, 550);
      run.send(switchBatch);
      List<JsonNode> switchScored = run.awaitScored(idsOf(switchBatch));
      assertThat(switchScored.stream().map(r -> r.path("model").asText()).collect(Collectors.toSet()),
          equalTo(Set.of("green")));
      assertThat(switchScored.stream().map(r -> r.path("decision").asText()).collect(Collectors.toSet()),
          equalTo(Set.of("routed/all")));

      // shadow: blue serves, green's answers only in the comparisons
      Routing shadowed = routing(List.of("green"), "blue", 1);
      publish(t, ModelDescriptors.route("wine", shadowed));
      List<JsonNode> shadowProbes =
          run.probeUntil("shadow", r -> r.path("reason").asText().contains(ModelDescriptors.describe(shadowed)));
      List<String> shadowBatch = wines.subList(550, 700);
      run.send(shadowBatch);
      List<JsonNode> shadowScored = run.awaitScored(idsOf(shadowBatch));
      for (JsonNode r : shadowScored) {
        assertThat(r.path("model").asText(), equalTo("blue"));
        assertThat(r.path("value").asDouble(), equalTo(1.0));
        // the trace lists the shadow's answer, in its role; the result is never the shadow's
        assertThat(answer(r, "green").path("role").asText(), equalTo("shadow"));
      }
      Set<String> shadowed150 = idsOf(shadowBatch);
      run.outcomes.await(WAIT, o -> ids(o.of("comparison")).containsAll(shadowed150));
      List<JsonNode> comparisons = run.outcomes.of("comparison");
      Set<String> compared = ids(comparisons);
      String lastProbe = shadowProbes.get(shadowProbes.size() - 1).path("id").asText();
      Set<String> expectedCompared = new LinkedHashSet<>(shadowed150);
      expectedCompared.add(lastProbe);
      assertThat("one comparison for each record served with the shadow, and no other",
          compared, equalTo(expectedCompared));
      assertEquals(comparisons.size(), compared.size(), "one comparison per record");
      for (JsonNode c : comparisons) {
        assertThat(c.path("primary").asText(), equalTo("blue"));
        assertThat(c.path("shadow").asText(), equalTo("green"));
        assertThat(c.path("shadowStatus").asText(), equalTo("ANSWERED"));
        assertThat(c.path("shadowValue").asDouble(), equalTo(2.0));
        assertThat(c.path("agree").asBoolean(), equalTo(false));
      }
      List<JsonNode> greenDuringShadow = run.outcomes.of("scored").stream()
          .filter(r -> expectedCompared.contains(r.path("id").asText()) && r.path("model").asText().equals("green"))
          .collect(Collectors.toList());
      assertThat("the shadow never scores a record", greenDuringShadow, empty());

      run.awaitBalance();
      run.assertBadRecordsAndBeer(2);
      LOG.info("routed: 80/20 split of {} records: green {} ({}%), blue {}; green active: {} of {} to green;"
              + " shadow: {} scored by blue, {} comparisons; probes {}; end-to-end latency {}; test took {} s",
          splitScored.size(), toGreen, String.format("%.1f", greenShare), splitScored.size() - toGreen,
          switchScored.size(), switchBatch.size(), shadowScored.size(), comparisons.size(), run.probes,
          run.latencies(run.outcomes.of("scored")), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }
  }

  // ---- fresh start ------------------------------------------------------------------------------

  /**
   * A fresh start rebuilds the model sets from the topic: with history a1, a2, b1, b2 and a rollback
   * of b, the set starts as {a: 2 (previous 1), b: 1 (previous 2)} with b the newest. The default
   * policy serves the newest model: b1. A rollback of a published afterwards needs a's previous
   * version (it was never sent again): a1 serves. A rollback of b then brings b2 back.
   *
   * <p>The start messages are emitted with {@link ModelTopicBootstrap#inOrder}, on one serving key
   * (so that once a probe shows a state, every later record sees it), and models swap in order
   * ({@link SwapPolicy#IN_ORDER}): with {@code WHEN_READY}, b1 and b2 arrive back to back while a
   * serves, and when both have loaded by the next check b2 takes over alone, b1 is dropped as
   * "never served" and b has no previous version, so the rollback to b1 is refused.
   */
  @Test
  void aFreshStartRebuildsTheModelSetsSoThatRollbacksWork() throws Exception {
    Topics t = topics("fresh");
    publish(t, FixedAnswerFormat.model("a", "1", T0 + 1, "value=1"), FixedAnswerFormat.model("a", "2", T0 + 2, "value=2"),
        FixedAnswerFormat.model("b", "1", T0 + 3, "value=11"), FixedAnswerFormat.model("b", "2", T0 + 4, "value=12"),
        ModelDescriptors.rollback("wine", "b", "1"),
        FixedAnswerFormat.model("a", "3", T0 + 5, "value=not-a-number")); // rejected when published
    List<KV<String, byte[]>> startMessages = ModelTopicBootstrap.latestModels(broker.bootstrapServers(), t.models,
        t.modelGroup, RecordSchema.csv(columns(), ',', "id", "data_type", "wine").getColumns());
    assertEquals(5, startMessages.size(), "a1, a2, b1, b2, rollback b, nothing else");
    long started = System.nanoTime();
    ServeModels<DataRecord> serve = serving(ServingPolicies.current()).withSwapPolicy(SwapPolicy.IN_ORDER)
        .withShards(1);
    try (Run run = start(t, serve, ModelTopicBootstrap.inOrder(startMessages), "fresh")) {
      run.probeUntil("b1", r -> r.path("value").asDouble() == 11.0);
      List<String> first = wines.subList(0, 30);
      run.send(first);
      assertThat(values(run.awaitScored(idsOf(first))), everyItem(equalTo(11.0)));

      publish(t, ModelDescriptors.rollback("wine", "a", "1"));
      run.probeUntil("a1", r -> r.path("value").asDouble() == 1.0);
      List<String> second = wines.subList(30, 60);
      run.send(second);
      assertThat(values(run.awaitScored(idsOf(second))), everyItem(equalTo(1.0)));

      publish(t, ModelDescriptors.rollback("wine", "b", "2"));
      run.probeUntil("b2", r -> r.path("value").asDouble() == 12.0);
      List<String> third = wines.subList(60, 90);
      run.send(third);
      assertThat(values(run.awaitScored(idsOf(third))), everyItem(equalTo(12.0)));

      run.awaitBalance();
      assertThat("the start messages rebuild the set without a rejection: " + run.outcomes.of("rejected-model"),
          run.outcomes.of("rejected-model"), empty());
      LOG.info("fresh start: {} start messages; b1, then a1 and b2 after their rollbacks; probes {};"
              + " end-to-end latency {}; test took {} s", startMessages.size(), run.probes,
          run.latencies(run.outcomes.of("scored")), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }
  }

  // ---- the pipeline -----------------------------------------------------------------------------

  /** The topics and consumer groups of one test. */
  private static final class Topics {
    final String records;
    final String models;
    final String outcomes;
    final String recordGroup;
    final String modelGroup;

    Topics(String name) {
      this.records = "records-" + name;
      this.models = "models-" + name;
      this.outcomes = "outcomes-" + name;
      this.recordGroup = "policies-" + name;
      this.modelGroup = "policies-" + name + "-models";
    }
  }

  private Topics topics(String name) {
    Topics t = new Topics(name);
    KafkaTopics.ensureTopics(broker.bootstrapServers(),
        KafkaTopics.servingTopics(t.models, t.records, t.outcomes, "dead-letters-" + name, 2));
    return t;
  }

  private static List<String> columns() {
    return Arrays.asList(PipelineOptionsHolder.DEFAULT_COLUMNS.split(","));
  }

  /** The serving step of every test: wine and beer records, with their ids as record ids; {@code policy}. */
  private static ServeModels<DataRecord> serving(ServingPolicy policy) {
    return ServeModels.<DataRecord>create()
        .withDataTypeFn(DataRecord::getDataType)
        .withFeatureExtractor(DataRecord::toFeatures)
        .withPayloadFormatter(DataRecord::getPayload)
        .withRecordIdFn(DataRecord::getId)
        .withRecordFields(columns())
        .withDataTypes(Set.of("wine", "beer"))
        .withNoModelPolicy(NoModelPolicy.hold(10_000, org.joda.time.Duration.standardSeconds(HOLD_SECONDS)))
        .withPolicy(policy);
  }

  /**
   * Starts the pipeline on Flink: records and models from their topics (models after {@code
   * startMessages}, when given, from the model group's committed offsets), every outcome to the
   * outcome topic.
   */
  private Run start(Topics t, ServeModels<DataRecord> serve,
      PTransform<PBegin, PCollection<KV<String, byte[]>>> startMessages, String name) {
    ServingOptions options = ServingMain.parse(new String[] {
        "--runner=FlinkRunner", "--flinkMaster=[local]", "--streaming=true", "--parallelism=2",
        "--bootstrapServers=" + broker.bootstrapServers(), "--jobName=policies-" + name,
        "--resume=none", "--checkpointDir=" + checkpoints.resolve(name)});
    Pipeline p = Pipeline.create(options);
    RecordSchema schema = RecordSchema.csv(columns(), ',', "id", "data_type", "wine");

    PCollection<String> lines = p
        .apply("ReadRecords", KafkaIO.<String, String>read()
            .withBootstrapServers(broker.bootstrapServers())
            .withTopic(t.records)
            .withKeyDeserializer(StringDeserializer.class)
            .withValueDeserializer(StringDeserializer.class)
            .withConsumerConfigUpdates(Map.of(ConsumerConfig.GROUP_ID_CONFIG, t.recordGroup,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
            .withoutMetadata())
        .apply("RecordLines", Values.create());
    PCollection<KV<String, byte[]>> modelMessages = p.apply("ReadModels", KafkaIO.<String, byte[]>read()
        .withBootstrapServers(broker.bootstrapServers())
        .withTopic(t.models)
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(ByteArrayDeserializer.class)
        .withConsumerConfigUpdates(Map.of(ConsumerConfig.GROUP_ID_CONFIG, t.modelGroup,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaTopics.MAX_MODEL_MESSAGE_BYTES))
        .withoutMetadata());
    if (startMessages != null) {
      modelMessages = PCollectionList.of(p.apply("StartMessages", startMessages)).and(modelMessages)
          .apply("AllModelMessages", Flatten.pCollections());
    }
    PCollectionTuple models = modelMessages.apply("ParseModels", ParseModels.create());
    PCollectionTuple parsed = lines.apply("ParseRecords", ParseRecords.with(schema));
    ServeModels.Result<DataRecord> served = parsed.get(ParseRecords.RECORDS)
        .apply("ServeModels", serve.withModels(models.get(ParseModels.MODELS)));

    PCollectionList.of(asJson(served.getScored(), "Scored", r -> scoredJson("scored", r)))
        .and(asJson(served.getReview(), "Review", r -> scoredJson("review", r)))
        .and(asJson(parsed.get(ParseRecords.DEAD_LETTERS), "Unparseable", d -> deadLetterJson("dead", d)))
        .and(asJson(served.getDeadLetters(), "DeadLetters", d -> deadLetterJson("dead", d)))
        .and(asJson(served.getUnserved(), "Unserved", d -> deadLetterJson("unserved", d)))
        .and(asJson(served.getShadowComparisons(), "Comparisons", PolicyKafkaFlinkIntegrationTest::comparisonJson))
        .and(asJson(served.getRejectedModels(), "RejectedModels", PolicyKafkaFlinkIntegrationTest::rejectedJson))
        .and(asJson(models.get(ParseModels.REJECTED), "UnparseableModels", PolicyKafkaFlinkIntegrationTest::rejectedJson))
        .apply("AllOutcomes", Flatten.pCollections())
        .apply("WriteOutcomes", KafkaIO.<String, String>write()
            .withBootstrapServers(broker.bootstrapServers())
            .withTopic(t.outcomes)
            .withKeySerializer(StringSerializer.class)
            .withValueSerializer(StringSerializer.class));
    return new Run(t, p.run());
  }

  private static <V> PCollection<KV<String, String>> asJson(PCollection<V> in, String name,
      SerializableFunction<V, String> toJson) {
    return in.apply(name + "ToJson", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via((V v) -> KV.of(name, toJson.apply(v))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  private static String scoredJson(String kind, ScoredRecord<DataRecord> r) {
    ObjectNode n = JSON.createObjectNode().put("kind", kind).put("id", r.getInput().getId())
        .put("dataType", r.getDataType()).put("model", r.getModelName()).put("version", r.getModelVersion())
        .put("decision", r.getDecision()).put("latencyNanos", r.getLatencyNanos())
        .put("reason", r.getTrace().getReason());
    ModelOutput output = r.getOutput();
    if (output != null && output.getValue() != null) {
      n.put("value", output.getValue());
    }
    ArrayNode answers = n.putArray("answers");
    for (ModelAnswer a : r.getTrace().getAnswers()) {
      ObjectNode an = answers.addObject().put("model", a.getModelName()).put("role", a.getRole())
          .put("status", a.getStatus().toString()).put("latencyNanos", a.getLatencyNanos());
      if (a.getFailure() != null) {
        an.put("failure", a.getFailure());
      }
      if (a.answered() && a.getOutput().getValue() != null) {
        an.put("value", a.getOutput().getValue());
      }
    }
    return n.toString();
  }

  private static String deadLetterJson(String kind, DeadLetter d) {
    String payload = d.getPayload() == null ? "" : d.getPayload();
    return JSON.createObjectNode().put("kind", kind).put("id", payload.split(",", 2)[0])
        .put("stage", String.valueOf(d.getStage())).put("reason", d.getReason()).put("payload", payload).toString();
  }

  private static String comparisonJson(ShadowComparison c) {
    ModelAnswer shadow = c.getShadow();
    ObjectNode n = JSON.createObjectNode().put("kind", "comparison").put("id", c.getRecordId())
        .put("primary", c.getPrimary().getModelName()).put("shadow", shadow.getModelName())
        .put("shadowStatus", shadow.getStatus().toString()).put("agree", c.agrees());
    if (shadow.answered() && shadow.getOutput().getValue() != null) {
      n.put("shadowValue", shadow.getOutput().getValue());
    }
    return n.toString();
  }

  private static String rejectedJson(RejectedModel m) {
    return JSON.createObjectNode().put("kind", "rejected-model").put("id", String.valueOf(m.getName()))
        .put("reason", m.getReason()).toString();
  }

  // ---- a running pipeline -----------------------------------------------------------------------

  /** A pipeline running on Flink, the records sent to it, and the outcomes read back. */
  private final class Run implements AutoCloseable {
    final Topics topics;
    final PipelineResult result;
    final Outcomes outcomes;
    final KafkaProducer<String, String> producer;
    /** When each record was published (the Kafka timestamp), by id. */
    final Map<String, Long> publishedAt = new HashMap<>();
    int sent;
    int probes;

    Run(Topics topics, PipelineResult result) {
      this.topics = topics;
      this.result = result;
      this.outcomes = new Outcomes(consumer(topics.outcomes), result);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    void send(List<String> lines) throws Exception {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (String line : lines) {
        acks.add(producer.send(new ProducerRecord<>(topics.records, line.split(",", 2)[0], line)));
      }
      producer.flush();
      for (int i = 0; i < lines.size(); i++) {
        publishedAt.put(lines.get(i).split(",", 2)[0], acks.get(i).get().timestamp());
      }
      sent += lines.size();
    }

    /**
     * Sends probe records (copies of wine records with ids {@code <name>-<k>}) one at a time until
     * one is scored as {@code shows} says; returns the scored probes.
     */
    List<JsonNode> probeUntil(String name, Predicate<JsonNode> shows) throws Exception {
      List<JsonNode> scored = new ArrayList<>();
      for (int k = 0; k < 200; k++) {
        String id = "probe-" + name + "-" + k;
        String wine = wines.get(wines.size() - 1 - k);
        send(List.of(id + "," + wine.split(",", 2)[1]));
        probes++;
        JsonNode r = awaitScored(Set.of(id)).get(0);
        scored.add(r);
        if (shows.test(r)) {
          return scored;
        }
        Thread.sleep(100);
      }
      throw new AssertionError("no probe of '" + name + "' showed the change within 200 probes; the last: "
          + scored.subList(scored.size() - 3, scored.size()));
    }

    /** Waits for the scored records of {@code ids}, and returns them. */
    List<JsonNode> awaitScored(Set<String> ids) throws Exception {
      outcomes.await(WAIT, o -> ids(o.of("scored")).containsAll(ids));
      return outcomes.of("scored").stream().filter(r -> ids.contains(r.path("id").asText()))
          .collect(Collectors.toList());
    }

    /**
     * Waits until every record sent has an outcome, then a little longer for any extra one, and
     * checks the balance: records in = scored + review + dead letters + unserved, with no record twice.
     */
    void awaitBalance() throws Exception {
      outcomes.await(WAIT, o -> o.count("scored", "review", "dead", "unserved") >= sent);
      outcomes.await(Duration.ofSeconds(3), o -> false);
      Map<String, Integer> counts = outcomes.counts();
      int scored = counts.getOrDefault("scored", 0);
      int review = counts.getOrDefault("review", 0);
      int dead = counts.getOrDefault("dead", 0);
      int unserved = counts.getOrDefault("unserved", 0);
      LOG.info("{}: {} records in = {} scored + {} review + {} dead letters + {} unserved ({})", topics.records, sent,
          scored, review, dead, unserved, counts);
      assertEquals(sent, scored + review + dead + unserved, "records in = scored + review + dead letters + unserved");
      List<JsonNode> all = new ArrayList<>(outcomes.of("scored"));
      all.addAll(outcomes.of("review"));
      all.addAll(outcomes.of("unserved"));
      assertEquals(all.size(), ids(all).size(), "no record has two outcomes");
    }

    /** The bad records are dead letters where they failed, and the beer records are unserved (no beer model). */
    void assertBadRecordsAndBeer(int beers) {
      Map<String, List<String>> byStage = outcomes.of("dead").stream().collect(Collectors.groupingBy(
          n -> n.path("stage").asText(), TreeMap::new, Collectors.mapping(n -> n.path("reason").asText(), Collectors.toList())));
      assertEquals(2, byStage.getOrDefault("PARSE", List.of()).size(), "unparseable records: " + byStage);
      assertEquals(1, byStage.getOrDefault("ROUTE", List.of()).size(), "records of an unknown data type: " + byStage);
      assertThat(byStage.get("ROUTE").get(0), containsString("cider"));
      assertEquals(1, byStage.getOrDefault("SCORE", List.of()).size(), "records the models refuse: " + byStage);
      assertThat(byStage.get("SCORE").get(0), containsString("alcohol"));
      List<JsonNode> unserved = outcomes.of("unserved");
      assertEquals(beers, unserved.size());
      for (JsonNode u : unserved) {
        assertThat(u.path("id").asText(), containsString("beer-"));
        assertThat(u.path("reason").asText(), containsString("beer"));
      }
    }

    /** p50 / p95 / max of publish-to-outcome latencies of {@code records}, in ms. */
    String latencies(List<JsonNode> records) {
      long[] ms = records.stream().filter(r -> publishedAt.containsKey(r.path("id").asText()))
          .mapToLong(r -> r.path("_outAt").asLong() - publishedAt.get(r.path("id").asText())).sorted().toArray();
      if (ms.length == 0) {
        return "n/a";
      }
      return String.format("p50 %d ms, p95 %d ms, max %d ms over %d records", ms[ms.length / 2],
          ms[(int) Math.min(ms.length - 1, Math.round(ms.length * 0.95))], ms[ms.length - 1], ms.length);
    }

    @Override
    public void close() {
      ServingMain.cancelQuietly(result);
      producer.close();
      outcomes.close();
    }
  }

  /** Beer records: no beer model is ever published, so they are held and then unserved. */
  private List<String> beer(int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] wine = wines.get(i).split(",", 3);
      lines.add("beer-" + i + ",beer," + wine[2]);
    }
    return lines;
  }

  /** The outcome topic, read as it fills. */
  private static final class Outcomes implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final PipelineResult result;
    private final List<JsonNode> all = new ArrayList<>();

    Outcomes(KafkaConsumer<String, String> consumer, PipelineResult result) {
      this.consumer = consumer;
      this.result = result;
    }

    /** Reads outcomes until {@code done} holds, failing after {@code limit} or when the pipeline failed. */
    void await(Duration limit, Predicate<Outcomes> done) throws Exception {
      long deadline = System.nanoTime() + limit.toNanos();
      while (!done.test(this)) {
        if (System.nanoTime() > deadline) {
          if (limit.compareTo(Duration.ofSeconds(10)) < 0) {
            return; // a short extra wait, not a condition
          }
          throw new AssertionError("the outcomes did not arrive within " + limit + "; got " + counts());
        }
        PipelineResult.State state = result.getState();
        if (state.isTerminal()) {
          throw new AssertionError("the pipeline ended: " + state);
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          ObjectNode n = (ObjectNode) JSON.readTree(r.value());
          n.put("_outAt", r.timestamp());
          all.add(n);
        }
      }
    }

    List<JsonNode> of(String kind) {
      return all.stream().filter(n -> n.path("kind").asText().equals(kind)).collect(Collectors.toList());
    }

    int count(String... kinds) {
      Set<String> wanted = Set.of(kinds);
      return (int) all.stream().filter(n -> wanted.contains(n.path("kind").asText())).count();
    }

    Map<String, Integer> counts() {
      Map<String, Integer> counts = new TreeMap<>();
      for (JsonNode n : all) {
        counts.merge(n.path("kind").asText(), 1, Integer::sum);
      }
      return counts;
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void publish(Topics t, ModelDescriptor... messages) {
    try (ModelPublisher publisher = new ModelPublisher(broker.bootstrapServers())) {
      for (ModelDescriptor m : messages) {
        publisher.send(t.models, m);
      }
    }
  }

  private static Routing routing(List<String> shadows, Object... modelsAndWeights) {
    Routing.Builder r = Routing.newBuilder().addAllShadows(shadows);
    for (int i = 0; i < modelsAndWeights.length; i += 2) {
      r.addWeights(ModelWeight.newBuilder().setModel((String) modelsAndWeights[i])
          .setWeight(((Number) modelsAndWeights[i + 1]).doubleValue()));
    }
    return r.build();
  }

  private static JsonNode answer(JsonNode scored, String model) {
    for (JsonNode a : scored.path("answers")) {
      if (a.path("model").asText().equals(model)) {
        return a;
      }
    }
    throw new AssertionError("model '" + model + "' is not in the trace of " + scored);
  }

  private static Set<String> ids(List<JsonNode> outcomes) {
    return outcomes.stream().map(n -> n.path("id").asText()).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static Set<String> idsOf(List<String> lines) {
    return lines.stream().map(l -> l.split(",", 2)[0]).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static List<Double> values(List<JsonNode> scored) {
    return scored.stream().map(r -> r.path("value").asDouble()).collect(Collectors.toList());
  }

  private KafkaConsumer<String, String> consumer(String topic) {
    return TopicReaders.fromStart(broker.bootstrapServers(), topic);
  }

  /** The record columns of the application's default CSV schema. */
  private static final class PipelineOptionsHolder {
    static final String DEFAULT_COLUMNS = "id,data_type,wine_type,fixed_acidity,volatile_acidity,citric_acid,"
        + "residual_sugar,chlorides,free_sulfur_dioxide,total_sulfur_dioxide,density,pH,sulphates,alcohol,quality";
  }
}

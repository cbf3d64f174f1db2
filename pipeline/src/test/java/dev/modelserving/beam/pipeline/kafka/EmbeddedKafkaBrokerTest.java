package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.proto.ModelAction;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Topics, model publishing and a produce/consume round trip against one real embedded broker. */
class EmbeddedKafkaBrokerTest {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBrokerTest.class);
  private static final String MODELS = "models";
  private static final String DATA = "data";

  private static EmbeddedKafkaBroker kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    EmbeddedKafkaBroker.quietKafkaLogging();
    long start = System.nanoTime();
    kafka = EmbeddedKafkaBroker.start(0);
    LOG.info("FIGURE broker startup: {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    KafkaTopics.ensureTopics(kafka.bootstrapServers(), KafkaTopics.servingTopics(MODELS, DATA, null, null, 3));
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void brokerListensOnLoopbackAndDescribesItself() throws Exception {
    assertThat(kafka.bootstrapServers(), startsWith("127.0.0.1:"));
    assertThat(kafka.port(), not(kafka.controllerPort()));
    try (Admin admin = kafka.admin()) {
      assertThat(admin.describeCluster().nodes().get().size(), is(1));
    }
  }

  @Test
  void topicsHaveTheirPartitionsAndCleanupPolicies() throws Exception {
    try (Admin admin = kafka.admin()) {
      var topics = admin.describeTopics(List.of(MODELS, DATA)).allTopicNames().get();
      assertThat(topics.get(MODELS).partitions().size(), is(1));
      assertThat(topics.get(DATA).partitions().size(), is(3));
      assertThat(KafkaTopics.topicConfig(admin, MODELS, "cleanup.policy"), is("compact"));
      assertThat(KafkaTopics.topicConfig(admin, DATA, "cleanup.policy"), is("delete"));
      assertThat(KafkaTopics.topicConfig(admin, MODELS, "max.message.bytes"),
          is(String.valueOf(KafkaTopics.MAX_MODEL_MESSAGE_BYTES)));
    }
  }

  @Test
  void creatingTopicsIsIdempotent() throws Exception {
    kafka.createTopic("again", 2, true);
    kafka.createTopic("again", 2, true);
    Set<String> created = KafkaTopics.ensureTopics(kafka.bootstrapServers(), Map.of("again", KafkaTopics.TopicSpec.of(5)));
    assertThat(created, is(empty()));
    try (Admin admin = kafka.admin()) {
      // the existing topic is left as it was
      assertThat(admin.describeTopics(List.of("again")).allTopicNames().get().get("again").partitions().size(), is(2));
      assertThat(KafkaTopics.topicConfig(admin, "again", "cleanup.policy"), is("compact"));
    }
  }

  @Test
  void publishedModelIsReadBackUnchanged() throws Exception {
    Path pmml = Files.writeString(dir.resolve("tree.pmml"), "<PMML version=\"4.4\">" + "t".repeat(5000) + "</PMML>");
    ModelDescriptor sent;
    try (ModelPublisher publisher = new ModelPublisher(kafka.bootstrapServers())) {
      sent = publisher.publish(MODELS, pmml,
          new PublishOptions().name("read-back").dataType("wine").version("1").uuid("uuid-read-back"));
    }

    ConsumerRecord<String, byte[]> record = find(readAll(MODELS), "wine/read-back").get(0);
    ModelDescriptor received = ModelDescriptor.parseFrom(record.value());
    assertThat(received, is(sent));
    assertThat(received.getName(), is("read-back"));
    assertThat(received.getVersion(), is("1"));
    assertThat(received.getUuid(), is("uuid-read-back"));
    assertThat(received.getFormat(), is("pmml"));
    assertThat(received.getModelBytes().toByteArray(), is(Files.readAllBytes(pmml)));
  }

  @Test
  void twoVersionsOfAModelShareTheKeyAndStayInOrder() throws Exception {
    Path v1 = Files.writeString(dir.resolve("v1.pmml"), "<PMML>1</PMML>");
    Path v2 = Files.writeString(dir.resolve("v2.pmml"), "<PMML>2</PMML>");
    try (ModelPublisher publisher = new ModelPublisher(kafka.bootstrapServers())) {
      RecordMetadata first = publisher.send(MODELS,
          ModelPublisher.describe(v1, new PublishOptions().name("versioned").dataType("wine").version("1")));
      RecordMetadata second = publisher.send(MODELS,
          ModelPublisher.describe(v2, new PublishOptions().name("versioned").dataType("wine").version("2")));
      assertThat(second.partition(), is(first.partition()));
      assertThat(second.offset(), greaterThan(first.offset()));
    }

    List<ConsumerRecord<String, byte[]>> records = find(readAll(MODELS), "wine/versioned");
    assertThat(records.size(), is(2));
    ModelDescriptor older = ModelDescriptor.parseFrom(records.get(0).value());
    ModelDescriptor newer = ModelDescriptor.parseFrom(records.get(1).value());
    assertThat(older.getVersion(), is("1"));
    assertThat(newer.getVersion(), is("2"));
    assertThat(older.getUuid(), not(newer.getUuid()));
  }

  @Test
  void sendingToAMissingTopicFailsWithAClearMessage() throws Exception {
    Path pmml = Files.writeString(dir.resolve("lost.pmml"), "<PMML/>");
    ModelDescriptor d = ModelPublisher.describe(pmml, new PublishOptions().name("lost").dataType("wine").version("1"));
    Map<String, Object> config = new HashMap<>(ModelPublisher.producerConfig(kafka.bootstrapServers()));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000); // the broker does not auto-create topics
    try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        ModelPublisher publisher = new ModelPublisher(producer)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> publisher.send("no-such-topic", d));
      assertThat(e.getMessage(), containsString("no-such-topic"));
      assertThat(e.getMessage(), containsString("does the topic exist"));
    }
  }

  @Test
  void publishModelCommandCreatesACompactedTopicAndPublishes() throws Exception {
    Path pb = Files.write(dir.resolve("frozen.pb"), new byte[] {1, 2, 3, 4});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = PublishModelCommand.run(new String[] {
        "--bootstrapServers", kafka.bootstrapServers(), "--topic", "cli-models", "--file", pb.toString(),
        "--name", "dnn", "--dataType", "wine", "--version", "7", "--uuid", "cli-uuid", "--outputs", "y"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(err.toString(StandardCharsets.UTF_8), status, is(0));
    try (Admin admin = kafka.admin()) {
      assertThat(KafkaTopics.topicConfig(admin, "cli-models", "cleanup.policy"), is("compact"));
    }
    List<ConsumerRecord<String, byte[]>> records = readAll("cli-models");
    assertThat(records.size(), is(1));
    assertThat(records.get(0).key(), is("wine/dnn"));
    ModelDescriptor d = ModelDescriptor.parseFrom(records.get(0).value());
    assertThat(d.getUuid(), is("cli-uuid"));
    assertThat(d.getFormat(), is("tensorflow-frozen-graph"));
    assertThat(d.getModelBytes().toByteArray(), is(new byte[] {1, 2, 3, 4}));
    assertThat(d.getOutputMapping().getOutputsList(), is(List.of("y")));
  }

  @Test
  void routeAndRollbackCommandsPublishTheirOperations() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    String[] target = {"--bootstrapServers", kafka.bootstrapServers(), "--topic", "ops-models", "--dataType", "wine"};

    int routed = RouteCommand.run(concat(target, "--weights", "tree=90,forest=10", "--shadows", "nn,x"), o, e);
    int rolledBack = PublishModelCommand.run(concat(target, "--rollback", "--name", "tree", "--version", "3"), o, e);
    int removed = PublishModelCommand.run(concat(target, "--remove", "--name", "forest"), o, e);

    assertThat(err.toString(StandardCharsets.UTF_8), List.of(routed, rolledBack, removed), is(List.of(0, 0, 0)));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed, containsString("published route weights {tree=90.0, forest=10.0}, shadows [nn, x] (data type 'wine')"));
    assertThat(printed, containsString("published rollback 'tree' to version 3 (data type 'wine')"));
    assertThat(printed, containsString("(key wine/tree/rollback)"));

    List<ConsumerRecord<String, byte[]>> records = readAll("ops-models");
    assertThat(records.stream().map(ConsumerRecord::key).collect(Collectors.toList()),
        is(List.of("wine/_routing", "wine/tree/rollback", "wine/forest")));

    ModelDescriptor route = ModelDescriptor.parseFrom(records.get(0).value());
    assertThat(route.getAction(), is(ModelAction.ROUTE));
    assertThat(route.getDataType(), is("wine"));
    assertThat(route.getRouting().getWeightsList().stream().map(ModelWeight::getModel).collect(Collectors.toList()),
        is(List.of("tree", "forest")));
    assertThat(route.getRouting().getWeightsList().stream().map(ModelWeight::getWeight).collect(Collectors.toList()),
        is(List.of(90.0, 10.0)));
    assertThat(route.getRouting().getShadowsList(), is(List.of("nn", "x")));

    ModelDescriptor rollback = ModelDescriptor.parseFrom(records.get(1).value());
    assertThat(rollback.getAction(), is(ModelAction.ROLLBACK));
    assertThat(rollback.getDataType(), is("wine"));
    assertThat(rollback.getName(), is("tree"));
    assertThat(rollback.getVersion(), is("3"));
    assertThat(rollback.hasRouting(), is(false));

    ModelDescriptor remove = ModelDescriptor.parseFrom(records.get(2).value());
    assertThat(remove.getAction(), is(ModelAction.REMOVE));
    assertThat(remove.getName(), is("forest"));
    assertThat(remove.getPayloadCase(), is(ModelDescriptor.PayloadCase.PAYLOAD_NOT_SET));
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  @Test
  void tenThousandRecordsRoundTrip() {
    int count = 10_000;
    Map<String, Object> producerConfig = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5);
    long start = System.nanoTime();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(DATA, "k" + i, "{\"id\":" + i + ",\"alcohol\":10.5}"));
      }
      producer.flush();
    }
    long produced = System.nanoTime();

    Set<String> keys = new HashSet<>();
    try (KafkaConsumer<String, String> consumer = consumer(new StringDeserializer())) {
      List<TopicPartition> partitions = partitions(consumer, DATA);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (keys.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          keys.add(r.key());
        }
      }
    }
    long consumed = System.nanoTime();
    LOG.info("FIGURE round trip: {} records produced in {} ms, consumed in {} ms, total {} ms", keys.size(),
        TimeUnit.NANOSECONDS.toMillis(produced - start), TimeUnit.NANOSECONDS.toMillis(consumed - produced),
        TimeUnit.NANOSECONDS.toMillis(consumed - start));
    assertThat(keys.size(), is(count));
    assertThat(keys.contains("k0") && keys.contains("k" + (count - 1)), is(true));
  }

  /** Every record of a topic, from the beginning to the current end, in partition order. */
  private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static List<ConsumerRecord<String, byte[]>> find(List<ConsumerRecord<String, byte[]>> records, String key) {
    return records.stream().filter(r -> key.equals(r.key())).collect(Collectors.toList());
  }

  private static <V> KafkaConsumer<String, V> consumer(org.apache.kafka.common.serialization.Deserializer<V> values) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), values);
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .collect(Collectors.toList());
  }
}

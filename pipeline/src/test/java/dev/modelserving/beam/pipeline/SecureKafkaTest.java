package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.KafkaClientOptions;
import dev.modelserving.beam.pipeline.kafka.PublishModelCommand;
import dev.modelserving.beam.pipeline.kafka.RouteCommand;
import dev.modelserving.beam.pipeline.kafka.StatusCommand;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application against a real Kafka broker that takes only SASL/PLAIN: with the right
 * credentials (from {@code --kafkaPropertiesFile}) {@code publish-model}, {@code route}, serving
 * runs (DirectRunner with exactly-once output, bounded Flink [local]) and {@code status} work end
 * to end; a wrong password is refused with one clear line by every command; a client without
 * credentials gets an answer within its own timeout, not a hang; the option lists override the file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureKafkaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "alice";
  private static final String PASSWORD = "alice-secret";
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir"));

  private EmbeddedKafkaBroker broker;
  private Path rightCredentials;
  private Path wrongPassword;
  private String refused;

  @BeforeAll
  void startKafka(@TempDir Path files) throws Exception {
    EmbeddedKafkaBroker.quietKafkaLogging();
    // With ACLs: alice may do anything, bob (no ACLs) only log in.
    broker = EmbeddedKafkaBroker.startSaslPlain(0, Map.of(USER, PASSWORD, "bob", "bob-secret"), Map.of(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "super.users", "User:embedded-broker;User:ANONYMOUS;User:" + USER));
    rightCredentials = write(files.resolve("alice.properties"), broker.clientProperties(USER, PASSWORD));
    wrongPassword = write(files.resolve("wrong.properties"), broker.clientProperties(USER, "not-her-password"));
    refused = "Kafka refused the credentials at " + broker.bootstrapServers()
        + " (SASL_PLAINTEXT/PLAIN): Authentication failed: Invalid username or password";
  }

  @AfterAll
  void stopKafka() {
    broker.close();
  }

  @Test
  @Timeout(240)
  void withTheRightCredentialsEveryCommandAndTheServingRunWork() throws Exception {
    CommandRun published = run(PublishModelCommand::run, "--bootstrapServers", broker.bootstrapServers(),
        "--topic", "models", "--file", TESTDATA.resolve("models/wine-linear.pmml").toString(), "--name", "wine-linear",
        "--dataType", "wine", "--version", "1", "--kafkaPropertiesFile", rightCredentials.toString());
    assertThat(published.err, published.status, equalTo(0));
    assertThat(published.out, containsString("published model 'wine-linear' version 1"));
    CommandRun routed = run(RouteCommand::run, "--bootstrapServers=" + broker.bootstrapServers(), "--topic=models",
        "--dataType=wine", "--active=wine-linear", "--kafkaPropertiesFile=" + rightCredentials);
    assertThat(routed.err, routed.status, equalTo(0));

    // Every reader and writer of the run logs in: the start-up read of the model topic, the data and
    // model readers, and the exactly-once writers, whose sink also opens consumers of its own.
    ServingOptions options = ServingMain.parse(new String[] {
        "--bootstrapServers=" + broker.bootstrapServers(), "--kafkaPropertiesFile=" + rightCredentials,
        "--consumerGroup=secure", "--dataTopic=records", "--modelTopic=models", "--outputTopic=scored",
        "--deadLetterTopic=dead-letters", "--statusTopic=model-status", "--outputDelivery=exactly-once"});
    PipelineResult result = ServingMain.build(options).run();
    try (KafkaProducer<String, String> producer = producer(rightCredentials);
        KafkaConsumer<String, String> output = consumer(rightCredentials, "scored")) {
      List<String> wines = Files.readAllLines(TESTDATA.resolve("wine.csv"), StandardCharsets.UTF_8).subList(1, 41);
      for (String line : wines) {
        producer.send(new ProducerRecord<>("records", line.split(",", 2)[0], line));
      }
      producer.flush();
      List<JsonNode> scored = poll(output, wines.size(), result);
      assertThat(scored.stream().map(n -> n.path("model").path("name").asText()).collect(Collectors.toList()),
          everyItem(equalTo("wine-linear")));
      assertThat(scored.stream().map(n -> n.path("id").asText()).collect(Collectors.toSet()),
          equalTo(wines.stream().map(l -> l.split(",", 2)[0]).collect(Collectors.toSet())));

      CommandRun status = run(StatusCommand::run, "--bootstrapServers=" + broker.bootstrapServers(),
          "--kafkaPropertiesFile=" + rightCredentials, "--json");
      assertThat(status.err, status.status, equalTo(0));
      assertThat(status.out, containsString("\"dataType\":\"wine\""));
    } finally {
      ServingMain.cancelQuietly(result);
    }
  }

  /**
   * On the Flink runner ([local]) too: its Kafka steps are serialized into the job with the
   * settings (the secrets in their consumer and producer factories), and log in on the task managers.
   */
  @Test
  @Timeout(300)
  void aBoundedFlinkRunLogsInWithTheSettingsItCarries() throws Exception {
    int records = 30;
    ServingOptions options = ServingMain.parse(new String[] {
        "--runner=FlinkRunner", "--flinkMaster=[local]", "--streaming=true", "--parallelism=2", "--attachedMode=true",
        "--bootstrapServers=" + broker.bootstrapServers(), "--kafkaPropertiesFile=" + rightCredentials,
        "--consumerGroup=secure-flink", "--dataTopic=records-flink", "--modelTopic=models-flink",
        "--outputTopic=scored-flink", "--deadLetterTopic=dead-letters-flink", "--statusTopic=status-flink",
        "--maxRecords=" + records, "--maxModels=1"});
    org.apache.beam.sdk.Pipeline pipeline = ServingMain.build(options); // creates the topics, reads the model topic
    CompletableFuture<PipelineResult> run = CompletableFuture.supplyAsync(() -> {
      PipelineResult result = pipeline.run();
      result.waitUntilFinish();
      return result;
    });
    CommandRun published = run(PublishModelCommand::run, "--bootstrapServers=" + broker.bootstrapServers(),
        "--topic=models-flink", "--file=" + TESTDATA.resolve("models/wine-tree.pmml"), "--name=wine-tree",
        "--dataType=wine", "--version=1", "--kafkaPropertiesFile=" + rightCredentials);
    assertThat(published.err, published.status, equalTo(0));
    try (KafkaProducer<String, String> producer = producer(rightCredentials)) {
      for (String line : Files.readAllLines(TESTDATA.resolve("wine.csv"), StandardCharsets.UTF_8).subList(1, 1 + records)) {
        producer.send(new ProducerRecord<>("records-flink", line.split(",", 2)[0], line));
      }
      producer.flush();
    }
    PipelineResult result = run.get(4, TimeUnit.MINUTES);
    assertThat(result.getState(), equalTo(PipelineResult.State.DONE));
    Map<String, Long> counters = ServingReport.counters(result);
    assertThat(ServingReport.sum(counters, "scored"), equalTo((long) records));
    try (KafkaConsumer<String, String> output = consumer(rightCredentials, "scored-flink")) {
      assertThat(poll(output, records, result).stream().map(n -> n.path("model").path("name").asText())
          .collect(Collectors.toSet()), equalTo(Set.of("wine-tree")));
    }
  }

  @Test
  @Timeout(120)
  void aWrongPasswordIsRefusedWithOneClearLineByEveryCommand() throws Exception {
    broker.createTopic("models-kept", 1, true);
    String servers = "--bootstrapServers=" + broker.bootstrapServers();
    String wrong = "--kafkaPropertiesFile=" + wrongPassword;

    CommandRun publish = run(PublishModelCommand::run, servers, "--topic=models-kept", "--remove", "--dataType=wine",
        "--name=wine-linear", wrong);
    assertThat(publish.status, equalTo(1));
    assertThat(publish.err, equalTo("publish-model: " + refused + "\n"));

    CommandRun route = run(RouteCommand::run, servers, "--topic=models-kept", "--dataType=wine", "--clear", wrong);
    assertThat(route.status, equalTo(1));
    assertThat(route.err, equalTo("route: " + refused + "\n"));

    CommandRun status = run(StatusCommand::run, servers, wrong);
    assertThat(status.status, equalTo(1));
    assertThat(status.err, equalTo("status: " + refused + "\n"));

    // serve: refused where it first talks to Kafka, creating its topics ...
    CommandRun serve = serve(servers, wrong, "--modelTopic=models-kept");
    assertThat(serve.status, equalTo(1));
    assertThat(serve.err, equalTo("serve: " + refused + "\n"));
    // ... or, with --createTopics=false, reading the model topic to start from its models
    serve = serve(servers, wrong, "--modelTopic=models-kept", "--createTopics=false");
    assertThat(serve.status, equalTo(1));
    assertThat(serve.err, equalTo("serve: " + refused + "\n"));
    assertThat("the password is never shown", publish.err + serve.err, not(containsString("not-her-password")));
  }

  @Test
  @Timeout(120)
  void aUserWithoutAclsIsToldWhatKafkaDidNotAllow() throws Exception {
    Path bob = write(Files.createTempFile("bob", ".properties"), broker.clientProperties("bob", "bob-secret"));
    try {
      CommandRun publish = run(PublishModelCommand::run, "--bootstrapServers=" + broker.bootstrapServers(),
          "--topic=models-bob", "--remove", "--dataType=wine", "--name=wine-linear", "--kafkaPropertiesFile=" + bob);
      assertThat(publish.status, equalTo(1));
      assertThat(publish.err, equalTo("publish-model: Kafka at " + broker.bootstrapServers()
          + " (SASL_PLAINTEXT/PLAIN) does not allow the client to create the topics [models-bob]: "
          + "Authorization failed. (the user needs ACLs for it)\n"));
    } finally {
      Files.delete(bob);
    }
  }

  @Test
  @Timeout(120)
  void aClientWithoutCredentialsIsToldWithinItsTimeoutWhatMayBeMissing() throws Exception {
    long start = System.nanoTime();
    CommandRun publish = run(PublishModelCommand::run, "--bootstrapServers=" + broker.bootstrapServers(),
        "--topic=models-open", "--remove", "--dataType=wine", "--name=wine-linear",
        "--kafkaProperties=default.api.timeout.ms=4000,request.timeout.ms=2000");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertThat(publish.status, equalTo(1));
    assertThat(publish.err, containsString("publish-model: no answer from Kafka at " + broker.bootstrapServers()
        + " (PLAINTEXT) to create the topics [models-open] within 4000 ms: "));
    assertThat(publish.err, containsString("does it need TLS or SASL? Give the client's security settings with"
        + " --kafkaPropertiesFile"));
    assertThat(publish.err.strip().lines().count(), equalTo(1L));
    assertThat("seconds taken: the user's timeout, not the default 30 s", seconds, lessThan(25L));
  }

  @Test
  @Timeout(120)
  void theInlineSettingsOverrideTheFileAndTheSideSpecificOnesOverrideBoth() throws Exception {
    String rightLogin = broker.clientProperties(USER, PASSWORD).get("sasl.jaas.config");
    CommandRun publish = run(PublishModelCommand::run, "--bootstrapServers=" + broker.bootstrapServers(),
        "--topic=models-override", "--remove", "--dataType=wine", "--name=wine-linear",
        "--kafkaPropertiesFile=" + wrongPassword, "--kafkaProperties=sasl.jaas.config=" + rightLogin);
    assertThat(publish.err, publish.status, equalTo(0));

    // the producer gets the wrong password back from --producerProperties: the topic is created (admin), the send refused
    publish = run(PublishModelCommand::run, "--bootstrapServers=" + broker.bootstrapServers(),
        "--topic=models-override", "--remove", "--dataType=wine", "--name=wine-linear",
        "--kafkaPropertiesFile=" + rightCredentials,
        "--producerProperties=sasl.jaas.config=" + broker.clientProperties(USER, "wrong").get("sasl.jaas.config"));
    assertThat(publish.status, equalTo(1));
    assertThat(publish.err, equalTo("publish-model: " + refused + "\n"));
  }

  private CommandRun serve(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--consumerGroup=refused", "--dataTopic=records-refused", "--outputTopic=scored-refused",
        "--deadLetterTopic=dead-letters-refused", "--statusTopic="));
    return run(ServingMain::serve, all.toArray(new String[0]));
  }

  private static Path write(Path file, Map<String, String> settings) throws Exception {
    Properties p = new Properties();
    p.putAll(settings);
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, null);
    }
    return file;
  }

  private KafkaProducer<String, String> producer(Path credentials) {
    KafkaClientConfig clients = KafkaClientConfig.from(options(credentials));
    return new KafkaProducer<>(clients.producerConfig(broker.bootstrapServers(), Map.of(), Map.of()),
        new StringSerializer(), new StringSerializer());
  }

  private KafkaConsumer<String, String> consumer(Path credentials, String topic) {
    KafkaClientConfig clients = KafkaClientConfig.from(options(credentials));
    KafkaConsumer<String, String> c = new KafkaConsumer<>(clients.consumerConfig(broker.bootstrapServers(),
        Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        Map.of(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic)), new StringDeserializer(), new StringDeserializer());
    c.subscribe(List.of(topic));
    return c;
  }

  private static KafkaClientOptions options(Path credentials) {
    KafkaClientOptions o = PipelineOptionsFactory.as(KafkaClientOptions.class);
    o.setKafkaPropertiesFile(credentials.toString());
    return o;
  }

  /** Polls until {@code n} records came (at most 2 minutes, failing early if the pipeline failed). */
  private static List<JsonNode> poll(KafkaConsumer<String, String> consumer, int n, PipelineResult run)
      throws Exception {
    List<JsonNode> got = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (got.size() < n && System.nanoTime() < deadline) {
      assertThat("the pipeline is running", run.getState(), not(equalTo(PipelineResult.State.FAILED)));
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        got.add(JSON.readTree(r.value()));
      }
    }
    assertThat("records on the topic", got, hasSize(n));
    return got;
  }

  private static CommandRun run(CommandRun.Cli cli, String... args) throws Exception {
    return CommandRun.of(cli, args);
  }
}

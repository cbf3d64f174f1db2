package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.pipeline.ServingMain;
import dev.modelserving.beam.pipeline.ServingOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link KafkaClientConfig}: the option lists and the properties file, their precedence, the
 * settings the application keeps to itself, and secrets never shown (in messages, {@code
 * toString}, the serialized pipeline options or KafkaIO's display data). No broker: {@code
 * SecureKafkaTest} runs them against one.
 */
class KafkaClientConfigTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"s3cret\";";

  @TempDir Path dir;

  @Test
  void aListIsKeyValuePairsAndAnItemWithoutEqualsContinuesTheValueBeforeIt() {
    assertThat(KafkaClientConfig.parseList("--kafkaProperties",
            "request.timeout.ms = 5000, ssl.enabled.protocols=TLSv1.2,TLSv1.3,sasl.jaas.config=" + JAAS + ",,"),
        equalTo(Map.of("request.timeout.ms", "5000", "ssl.enabled.protocols", "TLSv1.2,TLSv1.3",
            "sasl.jaas.config", JAAS)));
    assertThat(KafkaClientConfig.parseList("--kafkaProperties", null), equalTo(Map.of()));
    assertThat(KafkaClientConfig.parseList("--kafkaProperties", " "), equalTo(Map.of()));
  }

  @Test
  void aMalformedListIsExplainedNamingTheOption() {
    assertThat(assertThrows(IllegalArgumentException.class,
            () -> KafkaClientConfig.parseList("--consumerProperties", "TLSv1.2,a=b")).getMessage(),
        equalTo("--consumerProperties: 'TLSv1.2' is not key=value; give the settings as key=value pairs separated by"
            + " ',' (values with ',' and '=' go in --kafkaPropertiesFile)"));
    assertThat(assertThrows(IllegalArgumentException.class,
            () -> KafkaClientConfig.parseList("--kafkaProperties", "linger.ms=1,linger.ms=2")).getMessage(),
        equalTo("--kafkaProperties: 'linger.ms' is given twice"));
    assertThat(assertThrows(IllegalArgumentException.class,
            () -> KafkaClientConfig.parseList("--kafkaProperties", "=1")).getMessage(),
        containsString("an item has no key"));
  }

  @Test
  void theFileThenTheListThenTheSideSpecificListsOverTheApplicationsDefaultsButNotItsRequiredSettings()
      throws Exception {
    Path file = properties("request.timeout.ms=1000", "client.id=from-file", "security.protocol=SASL_PLAINTEXT");
    KafkaClientConfig c = KafkaClientConfig.from(file.toString(), "request.timeout.ms=2000",
        "request.timeout.ms=3000,max.poll.records=7", "linger.ms=9");

    Map<String, Object> consumer = c.consumerConfig("h:1",
        Map.of("request.timeout.ms", 99, "max.poll.records", 1, "fetch.min.bytes", 4),
        Map.of("group.id", "the-apps"));
    assertThat(consumer, equalTo(Map.of("bootstrap.servers", "h:1", "request.timeout.ms", "3000",
        "max.poll.records", "7", "fetch.min.bytes", 4, "client.id", "from-file", "security.protocol", "SASL_PLAINTEXT",
        "group.id", "the-apps")));
    Map<String, Object> producer = c.producerConfig("h:1", Map.of("linger.ms", 5), Map.of());
    assertThat(producer, equalTo(Map.of("bootstrap.servers", "h:1", "request.timeout.ms", "2000", "linger.ms", "9",
        "client.id", "from-file", "security.protocol", "SASL_PLAINTEXT")));
    Map<String, Object> admin = c.adminConfig("h:1", Map.of("default.api.timeout.ms", 30_000));
    assertThat(admin, equalTo(Map.of("bootstrap.servers", "h:1", "request.timeout.ms", "2000",
        "default.api.timeout.ms", 30_000, "client.id", "from-file", "security.protocol", "SASL_PLAINTEXT")));
    assertThat(KafkaClientConfig.security(admin), equalTo("SASL_PLAINTEXT/GSSAPI"));
    assertThat(KafkaClientConfig.security(Map.of()), equalTo("PLAINTEXT"));
  }

  @Test
  void theCommandsTakeTheSameFourOptions() throws Exception {
    Path file = properties("security.protocol=SSL");
    Map<String, String> options = new LinkedHashMap<>();
    options.put("topic", "models");
    options.put("kafkaPropertiesFile", file.toString());
    options.put("kafkaProperties", "client.id=cli");
    options.put("consumerProperties", "max.poll.records=3");
    options.put("producerProperties", "acks=1");
    assertThat(KafkaClientConfig.fromCommandOptions(options), equalTo(KafkaClientConfig.of(
        Map.of("security.protocol", "SSL", "client.id", "cli"), Map.of("max.poll.records", "3"), Map.of("acks", "1"))));
    assertTrue(KafkaClientConfig.fromCommandOptions(Map.of("topic", "models")).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bootstrap.servers", "group.id", "isolation.level", "enable.auto.commit", "key.serializer",
      "value.serializer", "key.deserializer", "value.deserializer", "transactional.id"})
  void theApplicationsOwnSettingsCannotBeOverridden(String key) throws Exception {
    assertThat(KafkaClientConfig.reservedSettings().keySet(), org.hamcrest.Matchers.hasItem(key));
    String why = KafkaClientConfig.reservedSettings().get(key);
    assertThat(assertThrows(IllegalArgumentException.class,
            () -> KafkaClientConfig.from(null, key + "=x", null, null)).getMessage(),
        equalTo("--kafkaProperties sets '" + key + "', which the application sets itself and which cannot be"
            + " overridden: " + why));
    assertThat(assertThrows(IllegalArgumentException.class,
            () -> KafkaClientConfig.from(null, null, key + "=x", null)).getMessage(),
        containsString("--consumerProperties sets '" + key + "'"));
    assertThat(assertThrows(IllegalArgumentException.class,
            () -> KafkaClientConfig.from(null, null, null, key + "=x")).getMessage(),
        containsString("--producerProperties sets '" + key + "'"));
    Path file = properties(key + "=x");
    assertThat(assertThrows(IllegalArgumentException.class,
            () -> KafkaClientConfig.from(file.toString(), null, null, null)).getMessage(),
        containsString("--kafkaPropertiesFile (" + file + ") sets '" + key + "'"));
  }

  @Test
  void aValueKafkaWouldRejectIsRefusedBeforeAnyClientExists() {
    assertThat(assertThrows(IllegalArgumentException.class,
            () -> KafkaClientConfig.from(null, "security.protocol=SASL_PLAIN", null, null)).getMessage(),
        containsString("a Kafka client setting is wrong: Invalid value SASL_PLAIN for configuration security.protocol"));
    assertThat(assertThrows(IllegalArgumentException.class,
            () -> KafkaClientConfig.from(null, null, "fetch.max.wait.ms=soon", null)).getMessage(),
        equalTo("a Kafka client setting is wrong: Invalid value soon for configuration fetch.max.wait.ms:"
            + " Not a number of type INT"));
  }

  @Test
  void aLoginModuleKafkaCannotReadIsRefusedWithKafkasReason() throws Exception {
    String settings = "--kafkaProperties=security.protocol=SASL_PLAINTEXT,sasl.mechanism=PLAIN,"
        + "sasl.jaas.config=PlainLoginModule username=alice";
    String reason = "a Kafka client setting is wrong: sasl.jaas.config: Invalid login module control flag 'username'"
        + " in JAAS config";
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    int status = PublishModelCommand.run(new String[] {"--bootstrapServers=127.0.0.1:1", "--topic=models", "--remove",
        "--dataType=wine", "--name=tree", settings}, out, errors);
    assertThat(status, equalTo(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("publish-model: " + reason + "\n"));
    err.reset();
    status = ServingMain.serve(new String[] {"--bootstrapServers=127.0.0.1:1", settings}, out, errors);
    assertThat(status, equalTo(2));
    assertThat(err.toString(StandardCharsets.UTF_8), equalTo("serve: " + reason + "\n"));
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nope.properties");
    assertThat(assertThrows(IllegalArgumentException.class,
            () -> KafkaClientConfig.from(missing.toString(), null, null, null)).getMessage(),
        equalTo("--kafkaPropertiesFile: no such file: " + missing.toAbsolutePath()));
  }

  @Test
  void secretsAreTheJaasConfigPasswordsAndKeys() {
    for (String secret : List.of("sasl.jaas.config", "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config",
        "ssl.truststore.password", "ssl.keystore.password", "ssl.key.password", "ssl.keystore.key",
        "ssl.keystore.certificate.chain", "basic.auth.user.info.password", "sasl.oauthbearer.client.secret")) {
      assertTrue(KafkaClientConfig.isSecret(secret), secret);
    }
    for (String open : List.of("security.protocol", "sasl.mechanism", "ssl.truststore.location",
        "ssl.keystore.location", "request.timeout.ms")) {
      assertFalse(KafkaClientConfig.isSecret(open), open);
    }
  }

  @Test
  void secretsAreNeverShown() {
    KafkaClientConfig c = KafkaClientConfig.of(
        Map.of("sasl.jaas.config", JAAS, "security.protocol", "SASL_SSL", "ssl.truststore.password", "tspass"),
        Map.of(), Map.of("ssl.key.password", "keypass"));
    String shown = c.toString();
    assertThat(shown, equalTo("Kafka client settings {sasl.jaas.config=[hidden], security.protocol=SASL_SSL,"
        + " ssl.truststore.password=[hidden]}, producers {ssl.key.password=[hidden]}"));
    assertThat(KafkaClientConfig.masked(Map.of("ssl.keystore.password", "x", "linger.ms", 5)),
        equalTo(Map.of("ssl.keystore.password", "[hidden]", "linger.ms", "5")));
  }

  /**
   * KafkaIO shows its configuration as display data (the runner's UI): the secrets reach its
   * consumers and producers through their factories instead, which travel with the job.
   */
  @Test
  void kafkaIoShowsTheSettingsButNotTheSecrets() {
    KafkaClientConfig c = KafkaClientConfig.of(
        Map.of("sasl.jaas.config", JAAS, "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN"),
        Map.of("max.poll.records", "11"), Map.of("linger.ms", "3"));
    KafkaIO.Read<String, String> read = KafkaIOSettings.read(KafkaIO.<String, String>read()
            .withBootstrapServers("h:1").withTopic("t")
            .withKeyDeserializer(StringDeserializer.class).withValueDeserializer(StringDeserializer.class),
        c, Map.of("auto.offset.reset", "earliest"), Map.of("group.id", "g"));
    assertThat(read.getConsumerConfig(), hasEntry("security.protocol", "SASL_PLAINTEXT"));
    assertThat(read.getConsumerConfig(), hasEntry("max.poll.records", "11"));
    assertThat(read.getConsumerConfig(), hasEntry("group.id", "g"));
    assertFalse(read.getConsumerConfig().containsKey("sasl.jaas.config"));
    assertThat(DisplayData.from(read).toString(), not(containsString("s3cret")));
    assertThat(DisplayData.from(read).toString(), containsString("SASL_PLAINTEXT"));
    assertThat(read.getConsumerFactoryFn().toString(), equalTo("ConsumerWith{sasl.jaas.config=[hidden]}"));
    // the factory survives the trip to the workers with the secret in it
    assertThat(SerializableUtils.clone(read.getConsumerFactoryFn()).toString(), containsString("sasl.jaas.config"));

    KafkaIO.Write<String, String> write = KafkaIOSettings.write(KafkaIO.<String, String>write()
        .withBootstrapServers("h:1").withTopic("t")
        .withKeySerializer(StringSerializer.class).withValueSerializer(StringSerializer.class), c);
    assertThat(write.getWriteRecordsTransform().getProducerConfig(), hasEntry("linger.ms", "3"));
    assertFalse(write.getWriteRecordsTransform().getProducerConfig().containsKey("sasl.jaas.config"));
    assertThat(DisplayData.from(write).toString(), not(containsString("s3cret")));
    assertThat(write.getWriteRecordsTransform().getProducerFactoryFn().toString(),
        equalTo("ProducerWith{sasl.jaas.config=[hidden]}"));
    // the exactly-once sink's own consumers get every consumer setting
    assertThat(write.getWriteRecordsTransform().getConsumerFactoryFn().toString(), equalTo("ConsumerWith{"
        + "max.poll.records=11, sasl.jaas.config=[hidden], sasl.mechanism=PLAIN, security.protocol=SASL_PLAINTEXT}"));
  }

  /** The inline lists may hold secrets: they stay out of the serialized options and their display data. */
  @Test
  void theInlineListsStayOutOfTheSerializedOptions() throws Exception {
    Path file = properties("security.protocol=SASL_PLAINTEXT");
    ServingOptions o = ServingMain.parse(new String[] {"--kafkaPropertiesFile=" + file,
        "--kafkaProperties=sasl.jaas.config=" + JAAS, "--consumerProperties=ssl.key.password=k1",
        "--producerProperties=ssl.keystore.password=k2"});
    assertThat(o.getKafkaProperties(), equalTo("sasl.jaas.config=" + JAAS));
    String json = new ObjectMapper().writeValueAsString(o);
    assertThat(json, containsString(file.toString()));
    for (String secret : List.of("s3cret", "k1", "k2")) {
      assertThat(json, not(containsString(secret)));
      assertThat(DisplayData.from(o).toString(), not(containsString(secret)));
    }
  }

  @Test
  void serveAndPublishModelRefuseAReservedSettingBeforeTheyReachKafka() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    // the broker address is never contacted: the options are checked first
    int status = uncheck(() -> ServingMain.serve(new String[] {"--bootstrapServers=127.0.0.1:1",
        "--consumerProperties=isolation.level=read_uncommitted"}, out, errors));
    assertThat(status, equalTo(2));
    assertThat(err.toString(StandardCharsets.UTF_8), equalTo("serve: --consumerProperties sets 'isolation.level',"
        + " which the application sets itself and which cannot be overridden: "
        + KafkaClientConfig.reservedSettings().get("isolation.level") + "\n"));

    err.reset();
    status = PublishModelCommand.run(new String[] {"--bootstrapServers=127.0.0.1:1", "--topic=models", "--remove",
        "--dataType=wine", "--name=tree", "--kafkaProperties=bootstrap.servers=elsewhere:9092"}, out, errors);
    assertThat(status, equalTo(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("publish-model: --kafkaProperties sets"
        + " 'bootstrap.servers', which the application sets itself and which cannot be overridden: give the brokers"
        + " with --bootstrapServers"));
  }

  @Test
  void everyCommandListsTheOptionsInItsHelp() throws Exception {
    for (String help : List.of(PublishModelCommand.USAGE, RouteCommand.USAGE, StatusCommand.USAGE)) {
      for (String option : List.of("--kafkaPropertiesFile PATH", "--kafkaProperties K=V", "--consumerProperties K=V",
          "--producerProperties K=V")) {
        assertThat(help, containsString(option));
      }
    }
    ByteArrayOutputStream help = new ByteArrayOutputStream();
    ServingMain.serve(new String[] {"--help"}, new PrintStream(help, true, StandardCharsets.UTF_8), System.err);
    for (String option : List.of("--kafkaPropertiesFile=<String>", "--kafkaProperties=<String>",
        "--consumerProperties=<String>", "--producerProperties=<String>")) {
      assertThat(help.toString(StandardCharsets.UTF_8), containsString(option));
    }
  }

  private Path properties(String... lines) throws Exception {
    return Files.write(Files.createTempFile(dir, "kafka", ".properties"), List.of(lines), StandardCharsets.UTF_8);
  }

  private interface Call {
    int call() throws Exception;
  }

  private static int uncheck(Call call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

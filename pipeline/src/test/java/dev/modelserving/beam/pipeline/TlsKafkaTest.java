package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.PublishModelCommand;
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
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
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
 * The application against a real Kafka broker that takes only TLS, with a self-signed certificate
 * the test makes with the JDK's keytool: a client that trusts it (a trust store in {@code
 * --kafkaPropertiesFile}) publishes, serves and reads the status; one that does not is told the TLS
 * handshake failed and why; a wrong trust store password is named, never shown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsKafkaTest {
  private static final String STORE_PASSWORD = "store-secret";
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir"));

  private EmbeddedKafkaBroker broker;
  private Path trusting;
  private Path notTrusting;
  private Path wrongStorePassword;

  @BeforeAll
  void startKafka(@TempDir Path files) throws Exception {
    Path keyStore = files.resolve("broker.p12");
    Path certificate = files.resolve("broker.crt");
    Path trustStore = files.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
        "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
    keytool("-exportcert", "-alias", "broker", "-rfc", "-file", certificate.toString(),
        "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
    keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
        "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
    EmbeddedKafkaBroker.quietKafkaLogging();
    broker = EmbeddedKafkaBroker.startSsl(0, keyStore, trustStore, STORE_PASSWORD);
    trusting = write(files.resolve("tls.properties"), Map.of("security.protocol", "SSL",
        "ssl.truststore.type", "PKCS12", "ssl.truststore.location", trustStore.toString(),
        "ssl.truststore.password", STORE_PASSWORD));
    notTrusting = write(files.resolve("jdk-trust.properties"), Map.of("security.protocol", "SSL"));
    wrongStorePassword = write(files.resolve("wrong-store-password.properties"), Map.of("security.protocol", "SSL",
        "ssl.truststore.type", "PKCS12", "ssl.truststore.location", trustStore.toString(),
        "ssl.truststore.password", "not-the-store-password"));
  }

  @AfterAll
  void stopKafka() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Timeout(180)
  void aClientThatTrustsTheBrokerPublishesServesAndReadsTheStatus() throws Exception {
    assertThat(broker.security(), equalTo("SSL"));
    CommandRun published = run(PublishModelCommand::run, "--bootstrapServers=" + broker.bootstrapServers(),
        "--topic=models", "--file=" + TESTDATA.resolve("models/wine-tree.pmml"), "--name=wine-tree",
        "--dataType=wine", "--version=1", "--kafkaPropertiesFile=" + trusting);
    assertThat(published.err, published.status, equalTo(0));

    ServingOptions options = ServingMain.parse(new String[] {"--bootstrapServers=" + broker.bootstrapServers(),
        "--kafkaPropertiesFile=" + trusting, "--consumerGroup=tls", "--dataTopic=records", "--modelTopic=models",
        "--outputTopic=scored", "--deadLetterTopic=dead-letters"});
    PipelineResult result = ServingMain.build(options).run();
    KafkaClientConfig clients = KafkaClientConfig.from(options);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(
            clients.producerConfig(broker.bootstrapServers(), Map.of(), Map.of()),
            new StringSerializer(), new StringSerializer());
        KafkaConsumer<String, String> output = new KafkaConsumer<>(clients.consumerConfig(broker.bootstrapServers(),
            Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), Map.of(ConsumerConfig.GROUP_ID_CONFIG, "check")),
            new StringDeserializer(), new StringDeserializer())) {
      List<String> wines = Files.readAllLines(TESTDATA.resolve("wine.csv"), StandardCharsets.UTF_8).subList(1, 21);
      for (String line : wines) {
        producer.send(new ProducerRecord<>("records", line.split(",", 2)[0], line));
      }
      producer.flush();
      output.subscribe(List.of("scored"));
      List<String> scored = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (scored.size() < wines.size() && System.nanoTime() < deadline) {
        assertThat(result.getState(), not(equalTo(PipelineResult.State.FAILED)));
        for (ConsumerRecord<String, String> r : output.poll(Duration.ofMillis(200))) {
          scored.add(r.value());
        }
      }
      assertThat(scored, hasSize(wines.size()));
      scored.forEach(json -> assertThat(json, containsString("\"name\":\"wine-tree\"")));

      CommandRun status = run(StatusCommand::run, "--bootstrapServers=" + broker.bootstrapServers(),
          "--kafkaPropertiesFile=" + trusting, "--json");
      assertThat(status.err, status.status, equalTo(0));
      assertThat(status.out, containsString("\"dataType\":\"wine\""));
    } finally {
      ServingMain.cancelQuietly(result);
    }
  }

  @Test
  @Timeout(120)
  void aClientThatDoesNotTrustTheBrokerIsToldTheHandshakeFailedAndWhy() throws Exception {
    String failed = "the TLS handshake with Kafka at " + broker.bootstrapServers() + " failed (SSL): SSL handshake failed";
    CommandRun publish = run(PublishModelCommand::run, "--bootstrapServers=" + broker.bootstrapServers(),
        "--topic=models-untrusted", "--remove", "--dataType=wine", "--name=wine-tree",
        "--kafkaPropertiesFile=" + notTrusting);
    assertThat(publish.status, equalTo(1));
    assertThat(publish.err, equalTo("publish-model: " + failed
        + " (unable to find valid certification path to requested target)\n"));

    CommandRun serve = run(ServingMain::serve, "--bootstrapServers=" + broker.bootstrapServers(),
        "--kafkaPropertiesFile=" + notTrusting, "--modelTopic=models-untrusted", "--statusTopic=");
    assertThat(serve.status, equalTo(1));
    assertThat(serve.err, startsWith("serve: " + failed));
  }

  @Test
  @Timeout(60)
  void aWrongTrustStorePasswordIsNamedButNotShown() throws Exception {
    CommandRun publish = run(PublishModelCommand::run, "--bootstrapServers=" + broker.bootstrapServers(),
        "--topic=models", "--remove", "--dataType=wine", "--name=wine-tree",
        "--kafkaPropertiesFile=" + wrongStorePassword);
    assertThat(publish.status, equalTo(1));
    assertThat(publish.err, containsString("Failed to load SSL keystore "));
    assertThat(publish.err, containsString("trust.p12 of type PKCS12: keystore password was incorrect"));
    assertThat(publish.err, not(containsString("not-the-store-password")));
    assertThat(publish.err.strip().lines().count(), equalTo(1L));
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("keytool " + args[0] + " did not end within 60 s");
    }
    assertThat("keytool " + args[0] + ": " + output, p.exitValue(), equalTo(0));
  }

  private static Path write(Path file, Map<String, String> settings) throws Exception {
    Properties p = new Properties();
    p.putAll(settings);
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, null);
    }
    return file;
  }

  private static CommandRun run(CommandRun.Cli cli, String... args) throws Exception {
    return CommandRun.of(cli, args);
  }
}

package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.model.ModelSignatures;
import dev.modelserving.beam.model.SigningKeys;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.TopicReaders;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed models through the real pipeline and an embedded Kafka broker ({@code --trustedKeys} with
 * two keys): an unsigned model on the topic before the start is left out of the start set, an
 * unsigned and a tampered model published while it runs are rejected to the dead-letter topic with
 * the reason while the signed model keeps serving, and a model signed by the second key takes over.
 */
class SignedModelsKafkaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ModelDescriptor signed(ModelDescriptor d, Path keyFile) throws Exception {
    SigningKeys.SigningKey key = SigningKeys.readPrivate(keyFile);
    return ModelSignatures.sign(d, key.key, key.keyId);
  }

  @Test
  void onlyModelsSignedByATrustedKeyServe(@TempDir Path keys) throws Exception {
    for (String id : List.of("old-key", "new-key")) {
      KeygenCommand.run(new String[] {"--keyId", id, "--dir", keys.toString()},
          new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    }
    Path testdata = Paths.get(System.getProperty("testdata.dir"));
    List<String> wines = Files.readAllLines(testdata.resolve("wine.csv"), StandardCharsets.UTF_8).subList(1, 301);
    Path models = testdata.resolve("models");
    EmbeddedKafkaBroker.quietKafkaLogging();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0)) {
      String servers = broker.bootstrapServers();
      KafkaTopics.ensureTopics(servers, KafkaTopics.servingTopics("models-signed", "records-signed", "scored-signed",
          "dead-letters-signed", 2));
      long now = System.currentTimeMillis();
      ModelDescriptor v1 = signed(ModelPublisher.describe(models.resolve("wine-linear.pmml"), new PublishOptions()
          .name("wine-linear").dataType("wine").version("1").createdAtMillis(now - 3000)), keys.resolve("old-key.key"));
      ModelDescriptor rogue = ModelPublisher.describe(models.resolve("wine-tree.pmml"), new PublishOptions()
          .name("wine-rogue").dataType("wine").version("1").createdAtMillis(now - 2000));
      try (ModelPublisher publisher = new ModelPublisher(servers)) {
        publisher.send("models-signed", v1);
        publisher.send("models-signed", rogue); // unsigned, before the start: not in the start set
      }
      ServingOptions options = ServingMain.parse(new String[] {
          "--bootstrapServers=" + servers, "--dataTopic=records-signed", "--modelTopic=models-signed",
          "--outputTopic=scored-signed", "--deadLetterTopic=dead-letters-signed", "--consumerGroup=signed",
          "--dataTypes=wine", "--trustedKeys=" + keys});
      PipelineResult result = KafkaServing.build(options).run();
      try (ModelPublisher publisher = new ModelPublisher(servers);
          KafkaProducer<String, String> producer = producer(servers);
          KafkaConsumer<String, String> output = consumer(servers, "scored-signed");
          KafkaConsumer<String, String> deadLetters = consumer(servers, "dead-letters-signed")) {
        send(producer, "records-signed", wines.subList(0, 40));
        assertThat(uuids(poll(output, 40)), everyItem(equalTo(v1.getUuid())));

        ModelDescriptor unsigned = ModelPublisher.describe(models.resolve("wine-tree.pmml"), new PublishOptions()
            .name("wine-tree").dataType("wine").version("2").uuid("unsigned-2"));
        publisher.send("models-signed", unsigned);
        assertThat(poll(deadLetters, 1).get(0).toString(), containsString("is not signed"));
        ModelDescriptor tampered = signed(ModelPublisher.describe(models.resolve("wine-tree.pmml"), new PublishOptions()
            .name("wine-tree").dataType("wine").version("3").uuid("tampered-3")), keys.resolve("new-key.key"))
            .toBuilder().setVersion("4").build();
        publisher.send("models-signed", tampered);
        assertThat(poll(deadLetters, 1).get(0).toString(), containsString("bad signature for key 'new-key'"));
        send(producer, "records-signed", wines.subList(40, 80));
        assertThat(uuids(poll(output, 40)), everyItem(equalTo(v1.getUuid())));

        // rotation: a model signed by the second trusted key takes over
        ModelDescriptor v5 = signed(ModelPublisher.describe(models.resolve("wine-tree.pmml"), new PublishOptions()
            .name("wine-tree").dataType("wine").version("5").uuid("rotated-5")), keys.resolve("new-key.key"));
        publisher.send("models-signed", v5);
        int probes = 80;
        String uuid = v1.getUuid();
        while (!uuid.equals(v5.getUuid())) {
          assertThat("the model of the second key serves within 150 records", probes < 230, equalTo(true));
          send(producer, "records-signed", List.of(wines.get(probes++)));
          uuid = poll(output, 1).get(0).path("model").path("uuid").asText();
          assertThat(List.of(v1.getUuid(), v5.getUuid()).contains(uuid), equalTo(true));
        }
        send(producer, "records-signed", wines.subList(probes, probes + 30));
        assertThat(uuids(poll(output, 30)), everyItem(equalTo(v5.getUuid())));
        assertThat("no other rejection", poll(deadLetters, 0), hasSize(0));
      } finally {
        ServingMain.cancelQuietly(result);
      }
    }
  }

  private static List<String> uuids(List<JsonNode> scored) {
    return scored.stream().map(n -> n.path("model").path("uuid").asText()).collect(Collectors.toList());
  }

  private static void send(KafkaProducer<String, String> producer, String topic, List<String> lines) {
    for (String line : lines) {
      producer.send(new ProducerRecord<>(topic, line.split(",", 2)[0], line));
    }
    producer.flush();
  }

  /** Polls until {@code n} records came (at most 2 minutes); with {@code n == 0}, what arrives within 3 seconds. */
  private static List<JsonNode> poll(KafkaConsumer<String, String> consumer, int n) throws Exception {
    List<JsonNode> got = new ArrayList<>();
    long deadline = System.nanoTime() + (n == 0 ? TimeUnit.SECONDS.toNanos(3) : TimeUnit.MINUTES.toNanos(2));
    while ((n == 0 || got.size() < n) && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        got.add(JSON.readTree(r.value()));
      }
    }
    assertThat("records on the topic", got, hasSize(n));
    return got;
  }

  private static KafkaProducer<String, String> producer(String servers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(String servers, String topic) {
    return TopicReaders.fromStart(servers, topic);
  }
}

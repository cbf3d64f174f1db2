package dev.modelserving.beam.pipeline.training;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.not;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code train} without checkpointed state (the DirectRunner) continues from the latest version on
 * the model topic with the default {@code --startFrom=latest}: its first model is version n+1, child
 * of the topic's version n. With {@code --startFrom=none} it starts again at version 1, from zero.
 */
class TrainStartFromLatestKafkaTest {
  private static final Logger LOG = LoggerFactory.getLogger(TrainStartFromLatestKafkaTest.class);
  private static final String MODELS = "latest-models";
  private static final int RECORDS = 500;
  private static final int RUN_SECONDS = 15;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aTrainerWithoutStateContinuesFromTheLatestVersionOnTheModelTopic() throws Exception {
    EmbeddedKafkaBroker.quietKafkaLogging();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0)) {
      String servers = broker.bootstrapServers();
      KafkaTopics.ensureTopics(servers,
          KafkaTopics.servingTopics(MODELS, "latest-records", "latest-dead-letters", "latest-dead-letters", 2));
      sendWines(servers, "latest-records");
      // every run reads all records: a consumer group of its own starts at the earliest offset
      List<String> common = List.of("--runner=DirectRunner", "--bootstrapServers=" + servers,
          "--dataTopic=latest-records", "--modelTopic=" + MODELS, "--deadLetterTopic=latest-dead-letters",
          "--trainingDataType=wine", "--miniBatchSize=50", "--durationSeconds=" + RUN_SECONDS);

      long start1 = System.currentTimeMillis();
      String out1 = train(common, "--consumerGroup=latest-1", "--startFrom=none");
      List<ModelDescriptor> firstRun = readAll(servers);
      assertThat(out1, not(containsString("training continues from")));
      assertThat("the first run published versions: " + out1, firstRun.size(), greaterThanOrEqualTo(2));
      ModelDescriptor latest = firstRun.get(firstRun.size() - 1);
      long n = Long.parseLong(latest.getVersion());
      assertThat(n, equalTo((long) firstRun.size()));

      long start2 = System.currentTimeMillis();
      String out2 = train(common, "--consumerGroup=latest-2"); // --startFrom=latest by default
      List<ModelDescriptor> secondRun = after(readAll(servers), firstRun.size());
      assertThat(out2, containsString("Without checkpointed state, training continues from wine-sgd version " + n));
      assertThat("the second run published: " + out2, secondRun.size(), greaterThanOrEqualTo(1));
      ModelDescriptor continued = secondRun.get(0);
      assertThat(continued.getVersion(), equalTo(Long.toString(n + 1)));
      assertThat(continued.getLineage().getParentVersion(), equalTo(Long.toString(n)));
      assertThat(continued.getLineage().getParentUuid(), equalTo(latest.getUuid()));

      long start3 = System.currentTimeMillis();
      String out3 = train(common, "--consumerGroup=latest-3", "--startFrom=none");
      List<ModelDescriptor> thirdRun = after(readAll(servers), firstRun.size() + secondRun.size());
      assertThat(out3, not(containsString("training continues from")));
      assertThat("the third run published: " + out3, thirdRun.size(), greaterThanOrEqualTo(1));
      ModelDescriptor fromZero = thirdRun.get(0);
      assertThat(fromZero.getVersion(), equalTo("1"));
      assertThat(fromZero.getLineage().getParentVersion(), equalTo(""));
      assertThat(fromZero.getLineage().getParentUuid(), equalTo(""));
      LOG.info("--startFrom: the first run published versions 1..{}; with latest the next run went on from {} to {};"
          + " with none the third run started again at {}; first models {}, {} and {} ms after the runs started",
          n, n + 1, secondRun.get(secondRun.size() - 1).getVersion(), fromZero.getVersion(),
          firstRun.get(0).getCreatedAtMillis() - start1, continued.getCreatedAtMillis() - start2,
          fromZero.getCreatedAtMillis() - start3);
    }
  }

  /** Runs {@code train} in this JVM for {@link #RUN_SECONDS}; returns its standard output. */
  private static String train(List<String> common, String... more) throws Exception {
    List<String> args = new ArrayList<>(common);
    args.addAll(List.of(more));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = TrainMain.train(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat("train " + args + ": " + err.toString(StandardCharsets.UTF_8) + text, exit, equalTo(0));
    return text;
  }

  /** The first {@link #RECORDS} labelled wines of the test data, keyed by id. */
  private static void sendWines(String servers, String topic) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(System.getProperty("testdata.dir"), "wine.csv"),
        StandardCharsets.UTF_8);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (String line : lines.subList(1, RECORDS + 1)) {
        producer.send(new ProducerRecord<>(topic, line.substring(0, line.indexOf(',')), line));
      }
      producer.flush();
    }
  }

  /** Every message on the model topic (one partition), in order. */
  private static List<ModelDescriptor> readAll(String servers) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(MODELS, 0);
      c.assign(List.of(partition));
      c.seekToBeginning(List.of(partition));
      Map<TopicPartition, Long> end = c.endOffsets(List.of(partition));
      List<ModelDescriptor> models = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (c.position(partition) < end.get(partition) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          models.add(ModelDescriptor.parseFrom(r.value()));
        }
      }
      return models;
    }
  }

  private static List<ModelDescriptor> after(List<ModelDescriptor> all, int n) {
    return all.subList(Math.min(n, all.size()), all.size());
  }
}

package dev.modelserving.beam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.pipeline.CorpusAccounting.Outcome;
import dev.modelserving.beam.pipeline.CorpusAccounting.Tally;
import dev.modelserving.beam.pipeline.MalformedRecords.Sample;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.TopicReaders;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The malformed-record corpus through a real (embedded) Kafka broker and the whole Kafka pipeline on
 * the DirectRunner: the records' bytes go on the data topic as they are (undecodable UTF-8 included),
 * and every record comes out once, scored on the output topic or on the dead-letter topic with its
 * class's stage and reason; the counters balance (in = scored + dead-lettered + unserved).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedCorpusKafkaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PER_CLASS = 8;

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

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"csv", "json"})
  void everyMalformedRecordFromKafkaIsAccountedForWithItsClassReason(String format) throws Exception {
    boolean csv = format.equals("csv");
    List<Sample> corpus = MalformedRecords.corpus(11, csv, PER_CLASS);
    long expectedScored = corpus.stream()
        .filter(s -> CorpusAccounting.expected(s.cls, csv, true).outcome == Outcome.SCORED).count();
    String dataTopic = "corpus-records-" + format;
    String modelTopic = "corpus-models-" + format;
    String outputTopic = "corpus-scored-" + format;
    String deadLetterTopic = "corpus-dead-letters-" + format;
    KafkaTopics.ensureTopics(broker.bootstrapServers(),
        KafkaTopics.servingTopics(modelTopic, dataTopic, outputTopic, deadLetterTopic, 2));
    List<String> args = new ArrayList<>(List.of(
        "--bootstrapServers=" + broker.bootstrapServers(),
        "--dataTopic=" + dataTopic, "--modelTopic=" + modelTopic,
        "--outputTopic=" + outputTopic, "--deadLetterTopic=" + deadLetterTopic,
        "--consumerGroup=corpus-" + format, "--dataTypes=wine", "--dataFormat=" + format,
        "--defaultDataType=")); // no default: a record without a data type is dead-lettered (ROUTE)
    if (csv) {
      args.add("--csvColumns=" + String.join(",", dev.modelserving.beam.testdata.WineSchema.COLUMNS));
    }
    ServingOptions options = ServingMain.parse(args.toArray(new String[0]));
    Path models = Paths.get(System.getProperty("testdata.dir")).resolve("models");
    try (ModelPublisher publisher = new ModelPublisher(broker.bootstrapServers())) {
      publisher.send(modelTopic, ModelPublisher.describe(models.resolve("wine-linear.pmml"),
          new PublishOptions().name("wine-linear").dataType("wine").version("1")));
    }

    PipelineResult result = KafkaServing.build(options).run();
    try (KafkaProducer<String, byte[]> producer = producer();
        KafkaConsumer<String, String> output = consumer(outputTopic);
        KafkaConsumer<String, String> deadLetters = consumer(deadLetterTopic)) {
      int i = 0;
      for (Sample s : corpus) {
        producer.send(new ProducerRecord<>(dataTopic, "k" + i++, s.bytes));
      }
      producer.flush();

      // Both topics until every record came out (at most 2 minutes), then 3 more seconds for any extra.
      List<JsonNode> scored = new ArrayList<>();
      List<JsonNode> failures = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (scored.size() + failures.size() < corpus.size() && System.nanoTime() < deadline) {
        scored.addAll(poll(output, 100));
        failures.addAll(poll(deadLetters, 100));
      }
      long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < quiet) {
        scored.addAll(poll(output, 200));
        failures.addAll(poll(deadLetters, 200));
      }

      Tally tally = CorpusAccounting.check(corpus, scored, failures, csv, true);
      assertEquals(expectedScored, tally.scored);
      Map<String, Long> counters = LiveCounters.await(result, "received", corpus.size());
      assertEquals(corpus.size(), ServingReport.sum(counters, "received"));
      assertEquals(tally.scored, ServingReport.sum(counters, "scored"));
      assertEquals(tally.deadLettered, ServingReport.sum(counters, "dead-lettered"));
      assertEquals(tally.unserved, ServingReport.sum(counters, "unserved"));
      assertTrue(tally.scored > 0 && tally.deadLettered > 0, tally.toString());
      System.out.printf("malformed corpus, Kafka, %s: %d records of %d classes: %s; lost 0%n",
          format, corpus.size(), MalformedRecords.classes(csv).size(), tally);
    } finally {
      ServingMain.cancelQuietly(result);
    }
  }


  /** What arrives within {@code millis}. */
  private static List<JsonNode> poll(KafkaConsumer<String, String> consumer, long millis) throws Exception {
    List<JsonNode> got = new ArrayList<>();
    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(millis))) {
      got.add(JSON.readTree(r.value()));
    }
    return got;
  }

  private KafkaProducer<String, byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private KafkaConsumer<String, String> consumer(String topic) {
    return TopicReaders.fromStart(broker.bootstrapServers(), topic);
  }
}

package dev.modelserving.beam.benchmarks.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.modelserving.beam.benchmarks.latency.TimedIds;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real broker: the output reader takes the latency of every record of its window from
 * the due time in the id, and notes when each model was first seen; the paced generator offers its
 * rate and counts what it sent into the window.
 */
class OutputConsumerTest {
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void start() {
    EmbeddedKafkaBroker.quietKafkaLogging();
    broker = EmbeddedKafkaBroker.start(0);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void readsLatenciesOfItsWindowAndFirstSightingsOfModels() throws Exception {
    KafkaTopics.ensureTopics(broker.bootstrapServers(), Map.of("out", KafkaTopics.TopicSpec.of(2)));
    try (OutputConsumer output = new OutputConsumer(broker.bootstrapServers(), "out");
        KafkaProducer<String, String> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringSerializer(), new StringSerializer())) {
      MeasurementWindow w = MeasurementWindow.startingNow(30);
      output.setWindow(w);
      long due = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        String uuid = i < 25 ? "old" : "new";
        producer.send(new ProducerRecord<>("out",
            "{\"id\":\"" + TimedIds.of(i, due) + "\",\"model\":{\"uuid\":\"" + uuid + "\"}}"));
      }
      producer.send(new ProducerRecord<>("out", "{\"id\":\"no due time\"}"));
      producer.flush();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while ((output.received() < 50 || output.unreadable() < 1) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      output.check();
      assertThat(output.received(), equalTo(50L));
      assertThat(output.unreadable(), equalTo(1L));
      assertThat(w.received(), equalTo(50L));
      assertThat(w.latencies().summary().p50(), greaterThan(0.0));
      assertThat(w.latencies().summary().max(), lessThan(20_000.0));
      assertThat(output.firstSeen("old"), notNullValue());
      assertThat(output.firstSeen("new"), notNullValue());
      assertThat(output.firstSeen("never"), nullValue());
    }
  }

  @Test
  void theGeneratorOffersItsRateAndCountsItsWindow() throws Exception {
    KafkaTopics.ensureTopics(broker.bootstrapServers(), Map.of("in", KafkaTopics.TopicSpec.of(2)));
    try (PacedProducer generator = new PacedProducer(broker.bootstrapServers(), "in",
        WineCsvLines.of(dev.modelserving.beam.benchmarks.workload.WineWorkload.standard()))) {
      MeasurementWindow w = MeasurementWindow.startingNow(0.5);
      generator.setWindow(w);
      generator.start(2_000);
      Thread.sleep(700);
      long sent = generator.stop();
      assertThat("about 2,000/s for 0.7 s", (double) sent, org.hamcrest.Matchers.closeTo(1_400, 150));
      assertThat("the half-second window holds about 1,000", (double) w.sent(), org.hamcrest.Matchers.closeTo(1_000, 60));
      assertThat(generator.failed(), equalTo(0L));
    }
  }
}

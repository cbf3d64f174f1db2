package dev.modelserving.beam.pipeline.kafka.exactlyonce;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The batched exactly-once sink against a real broker: every record once for a {@code
 * read_committed} reader, a batch retried after a failure skipped, a crashed writer fenced, and a
 * new job on the same sink group continuing the numbering instead of being refused or skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExactlyOnceKafkaWriteTest {
  private EmbeddedKafkaBroker broker;

  @BeforeAll
  void start() {
    EmbeddedKafkaBroker.quietKafkaLogging();
    broker = EmbeddedKafkaBroker.start(0);
  }

  @AfterAll
  void stop() {
    broker.close();
  }

  @Test
  void writesEveryRecordOnceInBatchTransactionsAndContinuesAcrossJobs() {
    String topic = "eos-" + UUID.randomUUID();
    broker.createTopic(topic, 2, false);
    String group = "sink-" + UUID.randomUUID();
    List<KV<String, String>> first = records("a", 1_000);
    PipelineResult run = write(topic, group, first);
    assertEquals(1_000, counter(run, "records-written"));
    // 3 shards of 1,000 keyed records in batches of at most 100: at least 11 transactions
    long batches = counter(run, "batches-written");
    assertEquals(true, batches >= 11 && batches <= 1_000, "batches written: " + batches);

    // A second job on the same sink group, with no state: its batches follow the first job's.
    List<KV<String, String>> second = records("b", 300);
    PipelineResult again = write(topic, group, second);
    assertEquals(300, counter(again, "records-written"));
    assertEquals(0, counter(again, "batches-already-written"));

    List<String> expected = new ArrayList<>();
    first.forEach(r -> expected.add(r.getValue()));
    second.forEach(r -> expected.add(r.getValue()));
    assertEquals(expected.stream().sorted().toList(), readCommitted(topic, expected.size()).stream().sorted().toList());
  }

  @Test
  void recordsWithoutKeysAreSpreadOverShards() {
    String topic = "eos-nokey-" + UUID.randomUUID();
    broker.createTopic(topic, 1, false);
    List<KV<String, String>> unkeyed = IntStream.range(0, 90).mapToObj(i -> KV.of((String) null, "v" + i)).toList();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(unkeyed).withCoder(KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), StringUtf8Coder.of())))
        .apply(sink(topic, "sink-" + UUID.randomUUID()));
    p.run().waitUntilFinish();
    assertEquals(unkeyed.stream().map(KV::getValue).sorted().toList(),
        readCommitted(topic, unkeyed.size()).stream().sorted().toList());
  }

  @Test
  void aRetriedBatchIsSkippedAndACrashedWriterIsFenced() {
    String topic = "eos-retry-" + UUID.randomUUID();
    broker.createTopic(topic, 1, false);
    String group = "sink-" + UUID.randomUUID();
    ExactlyOnceKafkaWrite.Spec spec = spec(topic, group);
    StringSerializer s = new StringSerializer();
    ShardTransactions<String, String> crashed = ShardTransactions.open(topic, 0, group, spec.producerConfig(),
        spec.adminConfig(), s, s);
    assertEquals(-1, crashed.lastWritten());
    assertEquals(ShardTransactions.Outcome.WRITTEN, crashed.write(0, List.of(KV.of("k1", "one"), KV.of("k2", "two"))));

    // the worker "crashes" and the batch is retried by a new writer of the same shard
    try (ShardTransactions<String, String> retry = ShardTransactions.open(topic, 0, group, spec.producerConfig(),
        spec.adminConfig(), s, s)) {
      assertEquals(0, retry.lastWritten());
      assertEquals(ShardTransactions.Outcome.ALREADY_WRITTEN, retry.write(0, List.of(KV.of("k1", "one"), KV.of("k2", "two"))));
      assertEquals(ShardTransactions.Outcome.WRITTEN, retry.write(1, List.of(KV.of("k3", "three"))));
      // the old writer, were it still alive, can no longer write
      IllegalStateException fenced = assertThrows(IllegalStateException.class,
          () -> crashed.write(5, List.of(KV.of("zombie", "zombie"))));
      assertThat(fenced.getMessage(), containsString("batch 5 of shard 0"));
    } finally {
      crashed.close();
    }
    assertEquals(OptionalLong.of(1), ShardProgress.lastWritten(spec.adminConfig(), topic, group, 0, true));
    assertEquals(List.of("one", "two", "three"), readCommitted(topic, 3));
  }

  @Test
  void missingSettingsNameTheCallAndDisplayDataHidesSecrets() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.apply(Create.of(KV.of("k", "v"))).apply(ExactlyOnceKafkaWrite.<String, String>to("t")
            .withBootstrapServers("127.0.0.1:1").withKeySerializer(StringSerializer.class)
            .withValueSerializer(StringSerializer.class)));
    assertThat(e.getMessage(), containsString("withSinkGroupId() is required"));

    KafkaClientConfig secret = KafkaClientConfig.of(Map.of("sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"s3cret\";"), Map.of(), Map.of());
    DisplayData shown = DisplayData.from(sink("t", "g").withClientConfig(secret));
    assertThat(shown.toString(), containsString("sinkGroupId"));
    assertEquals(false, shown.toString().contains("s3cret"), shown.toString());
  }

  private PipelineResult write(String topic, String group, List<KV<String, String>> records) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(records).withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply(sink(topic, group));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return result;
  }

  private ExactlyOnceKafkaWrite<String, String> sink(String topic, String group) {
    return ExactlyOnceKafkaWrite.<String, String>to(topic)
        .withBootstrapServers(broker.bootstrapServers())
        .withSinkGroupId(group)
        .withShards(3)
        .withMaxBatchSize(100)
        .withKeySerializer(StringSerializer.class)
        .withValueSerializer(StringSerializer.class);
  }

  private ExactlyOnceKafkaWrite.Spec spec(String topic, String group) {
    // a fenced producer's send may block for max.block.ms (60 s by default) before it fails
    return new ExactlyOnceKafkaWrite.Spec(topic, broker.bootstrapServers(), group, 1, 100,
        ExactlyOnceKafkaWrite.DEFAULT_MAX_BATCH_WAIT, StringSerializer.class, StringSerializer.class,
        KafkaClientConfig.of(Map.of(), Map.of(), Map.of("max.block.ms", "5000")));
  }

  private static List<KV<String, String>> records(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> KV.of(prefix + i, prefix + "-value-" + i)).collect(Collectors.toList());
  }

  private static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> c : result.metrics().allMetrics().getCounters()) {
      if (c.getName().getName().equals(name)) {
        sum += c.getAttempted();
      }
    }
    return sum;
  }

  /** Every value on the topic a read_committed consumer sees, waiting for {@code expected} of them, then 1 s more. */
  private List<String> readCommitted(String topic, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      long settle = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settle)) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
        if (values.size() >= expected && settle == Long.MAX_VALUE) {
          settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        }
      }
    }
    return values;
  }
}

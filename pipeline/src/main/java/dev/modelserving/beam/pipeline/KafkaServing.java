package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.io.ParseModels;
import dev.modelserving.beam.pipeline.record.RecordSchema;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.KafkaIOSettings;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelTopicBootstrap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.transforms.Values;

import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The serving pipeline on Kafka: records from {@code --dataTopic}, models and set operations from
 * {@code --modelTopic}, scored records to {@code --outputTopic}, records a policy sent to review to
 * {@code --reviewTopic}, shadow comparisons to {@code --comparisonTopic}, everything not scored to
 * {@code --deadLetterTopic}, model status reports to {@code --statusTopic} (see {@link StatusTopic}). Scored, review and comparison messages are keyed by record id.
 *
 * <p>A pipeline started without a checkpoint first reads the compacted model topic to its end and
 * starts from the model set it describes (the latest loadable version of every model, the latest
 * routing; see {@link ModelTopicBootstrap}); its model stream then continues from there. With a checkpoint it resumes where the checkpoint says. The data topic uses {@code --consumerGroup} and
 * commits its offsets when a checkpoint is finalized.
 *
 * <p>Every reader and writer gets the user's Kafka client settings ({@link KafkaClientConfig}: TLS,
 * SASL, timeouts), on top of the application's defaults and below its required settings.
 */
public final class KafkaServing {
  private KafkaServing() {}

  /** Readers see only committed messages: none of an aborted transaction of an exactly-once writer. */
  static final String READ_COMMITTED = "read_committed";

  /** The consumer group of the model topic; its offsets are set by {@link ModelTopicBootstrap}. */
  static String modelGroup(ServingOptions o) {
    return o.getConsumerGroup() + "-models";
  }

  /**
   * Builds the pipeline; topics must exist (see {@code KafkaTopics}). Reads the model topic once
   * first, to start from the latest model of every data type ({@link ModelTopicBootstrap}).
   */
  public static Pipeline build(ServingOptions o) {
    Pipeline p = Pipeline.create(o);
    RecordSchema schema = ServingPipeline.recordSchema(o, null);

    KafkaClientConfig clients = KafkaClientConfig.from(o);
    KafkaIO.Read<String, String> readRecords = recordReader(o, clients);
    KafkaIO.Read<String, byte[]> readModels = KafkaIOSettings.read(KafkaIO.<String, byte[]>read()
        .withBootstrapServers(o.getBootstrapServers())
        .withTopic(o.getModelTopic())
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(ByteArrayDeserializer.class), clients,
        Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaTopics.MAX_MODEL_MESSAGE_BYTES),
        Map.of(ConsumerConfig.GROUP_ID_CONFIG, modelGroup(o),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED));
    if (o.getMaxModels() > 0) {
      readModels = readModels.withMaxNumRecords(o.getMaxModels());
    }

    PCollection<String> lines = p.apply("ReadRecords", readRecords.withoutMetadata())
        .apply("RecordValues", Values.create());
    if (o.getMaxRecords() > 0) {
      // A bounded read of a Kafka topic reads every record in one long-running step; without this
      // break, the serving steps fused behind it would not end a bundle (and so not send a batch)
      // until the whole read is done.
      lines = lines.apply("EndBundlesOfTheBoundedRead", Reshuffle.viaRandomKey());
    }
    // Every data type's model set as it is now, in order, then every message published from here on.
    // A restored run has its models in the checkpoint, and its model reader resumes from the checkpoint's offsets.
    List<KV<String, byte[]>> latest = o.getRestoredFrom() != null ? List.of()
        : ModelTopicBootstrap.latestModels(o.getBootstrapServers(), o.getModelTopic(), modelGroup(o),
            schema.getColumns().isEmpty() ? null : schema.getColumns(), clients, ServingPipeline.modelGuard(o, false));
    // nullable: a tombstone (null value) on the compacted topic must reach ParseModels, not fail the coder
    Coder<KV<String, byte[]>> messageCoder =
        KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), NullableCoder.of(ByteArrayCoder.of()));
    PCollection<KV<String, byte[]>> modelMessages = PCollectionList
        .of(p.apply("LatestModels", ModelTopicBootstrap.inOrder(latest)))
        .and(p.apply("ReadModels", readModels.withoutMetadata()).setCoder(messageCoder))
        .apply("AllModelMessages", Flatten.pCollections());
    PCollectionTuple models = modelMessages.apply("ParseModels", ParseModels.create());

    ServingPipeline.Outputs out = ServingPipeline.serve(
        lines, models.get(ParseModels.MODELS), models.get(ParseModels.REJECTED), schema, o, false);

    OutputDelivery delivery = OutputDelivery.of(o);
    delivery.write(out.scoredJson, "WriteScored", o, clients, o.getOutputTopic(), "scored");
    delivery.write(out.reviewJson, "WriteReview", o, clients, o.getReviewTopic(), "review");
    delivery.write(out.comparisonsJson, "WriteShadowComparisons", o, clients, o.getComparisonTopic(), "comparisons");
    delivery.write(out.failuresJson
        .apply("WithoutKey", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via((String json) -> KV.of((String) null, json)))
        .setCoder(KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), StringUtf8Coder.of())),
        "WriteDeadLetters", o, clients, o.getDeadLetterTopic(), "dead-letters");

    StatusTopic.write(out.statusJson, o, clients);
    return p;
  }

  /**
   * The reader of {@code --dataTopic}: read committed, consumer group {@code --consumerGroup}, offsets
   * committed when a checkpoint is finalized, from the earliest offset without a committed one;
   * bounded by {@code --maxRecords} when it is set.
   */
  public static KafkaIO.Read<String, String> recordReader(ServingOptions o, KafkaClientConfig clients) {
    KafkaIO.Read<String, String> read = KafkaIOSettings.read(KafkaIO.<String, String>read()
        .withBootstrapServers(o.getBootstrapServers())
        .withTopic(o.getDataTopic())
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(StringDeserializer.class), clients,
        Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        Map.of(ConsumerConfig.GROUP_ID_CONFIG, o.getConsumerGroup(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED))
        .commitOffsetsInFinalize();
    return o.getMaxRecords() > 0 ? read.withMaxNumRecords(o.getMaxRecords()) : read;
  }

  /** A writer of JSON keyed by record id or data type, with the user's producer settings. */
  public static KafkaIO.Write<String, String> keyedWriter(ServingOptions o, String topic, KafkaClientConfig clients) {
    return KafkaIOSettings.write(KafkaIO.<String, String>write()
        .withBootstrapServers(o.getBootstrapServers())
        .withTopic(topic)
        .withKeySerializer(StringSerializer.class)
        .withValueSerializer(StringSerializer.class), clients);
  }
}

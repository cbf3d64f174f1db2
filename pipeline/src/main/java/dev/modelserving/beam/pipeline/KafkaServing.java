package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.io.ParseModels;
import dev.modelserving.beam.pipeline.record.RecordSchema;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The serving pipeline on Kafka: records from {@code --dataTopic}, models from {@code --modelTopic},
 * scored records to {@code --outputTopic}, everything not scored to {@code --deadLetterTopic}.
 *
 * <p>The model topic is read from its beginning with no consumer group, so a pipeline started
 * without a checkpoint recovers the latest model of every key from the compacted topic; with a
 * checkpoint it resumes where the checkpoint says. The data topic uses {@code --consumerGroup} and
 * commits its offsets when a checkpoint is finalized.
 */
public final class KafkaServing {
  private KafkaServing() {}

  /** Builds the pipeline; topics must exist (see {@code KafkaTopics}). */
  public static Pipeline build(ServingOptions o) {
    Pipeline p = Pipeline.create(o);
    RecordSchema schema = ServingPipeline.recordSchema(o, null);

    KafkaIO.Read<String, String> readRecords = KafkaIO.<String, String>read()
        .withBootstrapServers(o.getBootstrapServers())
        .withTopic(o.getDataTopic())
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(StringDeserializer.class)
        .withConsumerConfigUpdates(Map.of(
            ConsumerConfig.GROUP_ID_CONFIG, o.getConsumerGroup(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
        .commitOffsetsInFinalize();
    if (o.getMaxRecords() > 0) {
      readRecords = readRecords.withMaxNumRecords(o.getMaxRecords());
    }
    KafkaIO.Read<String, byte[]> readModels = KafkaIO.<String, byte[]>read()
        .withBootstrapServers(o.getBootstrapServers())
        .withTopic(o.getModelTopic())
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(ByteArrayDeserializer.class)
        .withConsumerConfigUpdates(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    if (o.getMaxModels() > 0) {
      readModels = readModels.withMaxNumRecords(o.getMaxModels());
    }

    PCollection<String> lines = p.apply("ReadRecords", readRecords.withoutMetadata())
        .apply("RecordValues", Values.create());
    PCollection<KV<String, byte[]>> modelMessages = p.apply("ReadModels", readModels.withoutMetadata());
    PCollectionTuple models = modelMessages.apply("ParseModels", ParseModels.create());

    ServingPipeline.Outputs out = ServingPipeline.serve(
        lines, models.get(ParseModels.MODELS), models.get(ParseModels.REJECTED), schema, o);

    out.scoredJson.apply("WriteScored", KafkaIO.<String, String>write()
        .withBootstrapServers(o.getBootstrapServers())
        .withTopic(o.getOutputTopic())
        .withKeySerializer(StringSerializer.class)
        .withValueSerializer(StringSerializer.class));
    out.failuresJson.apply("WriteDeadLetters", KafkaIO.<Void, String>write()
        .withBootstrapServers(o.getBootstrapServers())
        .withTopic(o.getDeadLetterTopic())
        .withValueSerializer(StringSerializer.class)
        .values());
    return p;
  }

}

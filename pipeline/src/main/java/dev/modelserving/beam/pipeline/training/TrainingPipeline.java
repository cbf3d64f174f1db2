package dev.modelserving.beam.pipeline.training;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.KafkaServing;
import dev.modelserving.beam.pipeline.ServingPipeline;
import dev.modelserving.beam.pipeline.io.ParseRecords;
import dev.modelserving.beam.pipeline.io.ServingJson;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.KafkaIOSettings;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.training.TrainModels;
import dev.modelserving.beam.training.TrainingSpec;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Duration;

/**
 * The training pipeline on Kafka: labelled records from {@code --dataTopic} (its own consumer
 * group), {@link TrainModels} with the command's spec, every new model to {@code --modelTopic}
 * (keyed {@code <dataType>/<modelName>}, as {@code publish-model} keys it), and every record that
 * could not be parsed or trained on to {@code --deadLetterTopic}, with the reason.
 */
public final class TrainingPipeline {
  private TrainingPipeline() {}

  /** Builds the pipeline; the topics must exist. */
  public static Pipeline build(TrainingOptions o, TrainingSpec spec) {
    Pipeline p = Pipeline.create(o);
    KafkaClientConfig clients = KafkaClientConfig.from(o);
    PCollectionTuple parsed = p.apply("ReadLabelledRecords", KafkaServing.recordReader(o, clients).withoutMetadata())
        .apply("RecordValues", Values.create())
        .apply("ParseRecords", ParseRecords.with(ServingPipeline.recordSchema(o, null)));
    TrainModels.Result trained = parsed.get(ParseRecords.RECORDS).apply("Train", TrainModels.<DataRecord>create()
        .withModel(spec)
        .withDataTypeFn(DataRecord::getDataType)
        .withFeatureExtractor(DataRecord::toFeatures)
        .withRecordIdFn(DataRecord::getId)
        .withPayloadFormatter(DataRecord::getPayload)
        .withMiniBatch(o.getMiniBatchSize(), Duration.standardSeconds(o.getMiniBatchSeconds()))
        .withPublishEvery(o.getPublishEvery())
        .withHoldout(o.getHoldoutFraction(), o.getHoldoutWindow()));

    trained.getModels()
        .apply("AsModelMessages", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(byte[].class)))
            .via((ModelDescriptor m) -> KV.of(KafkaTopics.modelKey(m), m.toByteArray())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
        .apply("WriteModels", KafkaIOSettings.write(KafkaIO.<String, byte[]>write()
            .withBootstrapServers(o.getBootstrapServers())
            .withTopic(o.getModelTopic())
            .withKeySerializer(StringSerializer.class)
            .withValueSerializer(ByteArraySerializer.class), clients));

    PCollectionList.of(parsed.get(ParseRecords.DEAD_LETTERS)).and(trained.getFailures())
        .apply("AllFailures", Flatten.pCollections())
        .apply("FailuresAsJson", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via((DeadLetter d) -> KV.of((String) null, ServingJson.deadLetter(d))))
        .setCoder(KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), StringUtf8Coder.of()))
        .apply("WriteFailures", KafkaServing.keyedWriter(o, o.getDeadLetterTopic(), clients));
    return p;
  }
}

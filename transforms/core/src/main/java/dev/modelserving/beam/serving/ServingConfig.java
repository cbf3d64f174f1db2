package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.Features;
import java.io.Serializable;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.transforms.SerializableFunction;

/** The parameters shared by the routing and serving DoFns of {@link ServeModels}. */
final class ServingConfig<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  final SerializableFunction<T, String> dataTypeFn;
  final SerializableFunction<T, Features> featureExtractor;
  final SerializableFunction<T, String> payloadFormatter;
  /** Record fields, when declared: models whose inputs are not among them are rejected at load. */
  final List<String> recordFields;
  /** Served data types, when declared: records of other types are dead-lettered. */
  final Set<String> dataTypes;
  final int shards;
  final NoModelPolicy noModelPolicy;

  ServingConfig(
      SerializableFunction<T, String> dataTypeFn,
      SerializableFunction<T, Features> featureExtractor,
      SerializableFunction<T, String> payloadFormatter,
      List<String> recordFields,
      Set<String> dataTypes,
      int shards,
      NoModelPolicy noModelPolicy) {
    this.dataTypeFn = dataTypeFn;
    this.featureExtractor = featureExtractor;
    this.payloadFormatter = payloadFormatter;
    this.recordFields = recordFields;
    this.dataTypes = dataTypes;
    this.shards = shards;
    this.noModelPolicy = noModelPolicy;
  }

  String payloadOf(T record) {
    try {
      return payloadFormatter.apply(record);
    } catch (RuntimeException e) {
      return String.valueOf(record);
    }
  }
}

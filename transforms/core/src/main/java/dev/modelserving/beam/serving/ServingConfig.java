package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.Scorer;
import java.io.Serializable;
import java.util.ArrayList;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.SerializableFunction;

/** The parameters shared by the DoFns of one {@link ServeModels}, fixed when it is expanded. */
final class ServingConfig<T> implements Serializable {
  private static final long serialVersionUID = 5L;

  final SerializableFunction<T, String> dataTypeFn;
  final SerializableFunction<T, Features> featureExtractor;
  final SerializableFunction<T, String> payloadFormatter;
  /** Record fields, when declared: models whose inputs are not among them are rejected at load. */
  final List<String> recordFields;
  /** Served data types, when declared: records of other types are dead-lettered. */
  final Set<String> dataTypes;
  /** Keyed mode: the keys of each data type's shards (one shard in broadcast mode). */
  final ShardKeys shardKeys;
  final NoModelPolicy noModelPolicy;
  final BatchLimits batchLimits;
  final SwapPolicy swapPolicy;
  final int maxLoadedModels;
  /** Unique per transform: names its serving keys in the JVM-wide model cache. */
  final String transformId;
  /** The records are bounded: hold limits do not apply and loads are awaited, not polled. */
  final boolean boundedInput;
  final ServingPolicy defaultPolicy;
  /** Policies of data types that do not use the default one. */
  final Map<String, ServingPolicy> policies;
  /** A record's id, for sticky routing and shadow comparisons; null: its payload. */
  final SerializableFunction<T, String> recordIdFn;
  /** The most models (names) a data type's set holds. */
  final int maxModelsPerDataType;
  /** Whether the serving steps report to the status stream (batch stats and set changes). */
  final boolean modelStatus;
  /** The checks a model message passes before it is loaded, and the limits of its load. */
  final ModelGuard guard;

  ServingConfig(
      SerializableFunction<T, String> dataTypeFn,
      SerializableFunction<T, Features> featureExtractor,
      SerializableFunction<T, String> payloadFormatter,
      List<String> recordFields,
      Set<String> dataTypes,
      ShardKeys shardKeys,
      NoModelPolicy noModelPolicy,
      BatchLimits batchLimits,
      SwapPolicy swapPolicy,
      int maxLoadedModels,
      String transformId,
      boolean boundedInput,
      ServingPolicy defaultPolicy,
      Map<String, ServingPolicy> policies,
      SerializableFunction<T, String> recordIdFn,
      int maxModelsPerDataType,
      boolean modelStatus,
      ModelGuard guard) {
    this.guard = guard;
    this.dataTypeFn = dataTypeFn;
    this.featureExtractor = featureExtractor;
    this.payloadFormatter = payloadFormatter;
    this.recordFields = recordFields;
    this.dataTypes = dataTypes;
    this.shardKeys = shardKeys;
    this.noModelPolicy = noModelPolicy;
    this.batchLimits = batchLimits;
    this.swapPolicy = swapPolicy;
    this.maxLoadedModels = maxLoadedModels;
    this.transformId = transformId;
    this.boundedInput = boundedInput;
    this.defaultPolicy = defaultPolicy;
    this.policies = policies;
    this.recordIdFn = recordIdFn;
    this.maxModelsPerDataType = maxModelsPerDataType;
    this.modelStatus = modelStatus;
  }

  /** The serving policy of a data type. */
  ServingPolicy policyFor(String dataType) {
    ServingPolicy p = policies.get(dataType);
    return p != null ? p : defaultPolicy;
  }

  /** A record's id for routing: the record id function's, else the record's payload. */
  String recordIdOf(T record) {
    if (recordIdFn != null) {
      try {
        String id = recordIdFn.apply(record);
        if (id != null) {
          return id;
        }
      } catch (RuntimeException e) {
        // fall back to the payload: routing must not fail a record
      }
    }
    return payloadOf(record);
  }

  String payloadOf(T record) {
    try {
      return payloadFormatter.apply(record);
    } catch (RuntimeException e) {
      return String.valueOf(record);
    }
  }

  /**
   * Why a loaded model cannot serve these records (it reads fields they do not have), or null if
   * it can.
   */
  String fieldMismatch(Scorer scorer) {
    if (recordFields == null) {
      return null;
    }
    List<String> missing = new ArrayList<>(scorer.requiredFields());
    missing.removeAll(recordFields);
    return missing.isEmpty()
        ? null
        : "the model reads record fields " + missing + " that the records do not have; record fields are "
            + recordFields + " (map model inputs to record fields in the descriptor's input_mapping)";
  }
}

package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.SigningKeys;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.io.ParseModels;
import dev.modelserving.beam.pipeline.io.ParseRecords;
import dev.modelserving.beam.pipeline.io.ServingJson;
import dev.modelserving.beam.pipeline.io.StatusJson;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.pipeline.record.RecordSchema;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ShadowComparison;
import dev.modelserving.beam.serving.NoModelPolicy;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.ServingMode;
import dev.modelserving.beam.serving.SwapPolicy;
import dev.modelserving.beam.status.ModelStatusReport;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving pipeline between its sources and sinks: parse records and models, {@link ServeModels}
 * under the chosen {@linkplain PolicyOptions policies}, and render every outcome as JSON. Kafka and file wiring live in {@link KafkaServing} and {@link
 * FileServing}.
 */
public final class ServingPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(ServingPipeline.class);
  private ServingPipeline() {}

  /** The JSON outputs: keyed by record id (scored, review, comparisons), by data type (status) or unkeyed (failures). */
  public static final class Outputs {
    public final PCollection<ScoredRecord<DataRecord>> scored;
    public final PCollection<KV<String, String>> scoredJson;
    /** Records a policy sent to review, as JSON with {@code "kind":"review"} and their trace. */
    public final PCollection<KV<String, String>> reviewJson;
    /** Shadow comparisons, as JSON with {@code "kind":"shadow-comparison"}. */
    public final PCollection<KV<String, String>> comparisonsJson;
    /** Dead letters, unserved records and rejected models, as JSON. */
    public final PCollection<String> failuresJson;
    /** Model status reports as JSON ({@link StatusJson}), keyed by data type. */
    public final PCollection<KV<String, String>> statusJson;

    Outputs(PCollection<ScoredRecord<DataRecord>> scored, PCollection<KV<String, String>> scoredJson,
        PCollection<KV<String, String>> reviewJson, PCollection<KV<String, String>> comparisonsJson,
        PCollection<String> failuresJson, PCollection<KV<String, String>> statusJson) {
      this.statusJson = statusJson;
      this.scored = scored;
      this.scoredJson = scoredJson;
      this.reviewJson = reviewJson;
      this.comparisonsJson = comparisonsJson;
      this.failuresJson = failuresJson;
    }
  }

  /** Parses {@code lines} with {@code schema} and serves them with {@code models}, under the options' policies. */
  public static Outputs serve(
      PCollection<String> lines,
      PCollection<ModelDescriptor> models,
      PCollection<RejectedModel> unparseableModels,
      RecordSchema schema,
      ServingOptions options,
      boolean fileMode) {
    return serve(lines, models, unparseableModels, schema, options, fileMode, PolicyOptions.from(options));
  }

  /** Parses {@code lines} with {@code schema} and serves them with {@code models} under {@code policies}. */
  public static Outputs serve(
      PCollection<String> lines,
      PCollection<ModelDescriptor> models,
      PCollection<RejectedModel> unparseableModels,
      RecordSchema schema,
      ServingOptions options,
      boolean fileMode,
      PolicyOptions policies) {
    PCollectionTuple parsed = lines.apply("ParseRecords", ParseRecords.with(schema));
    ServeModels.Result<DataRecord> served = parsed.get(ParseRecords.RECORDS)
        .apply("ServeModels", serveModels(schema, options, fileMode, policies).withModels(models));

    PCollection<KV<String, String>> scoredJson = served.getScored()
        .apply("ScoredToJson", MapElements.into(KEYED_JSON).via(r -> KV.of(r.getInput().getId(), ServingJson.scored(r))))
        .setCoder(keyedJsonCoder());
    PCollection<KV<String, String>> reviewJson = served.getReview()
        .apply("ReviewToJson", MapElements.into(KEYED_JSON).via(r -> KV.of(r.getInput().getId(), ServingJson.review(r))))
        .setCoder(keyedJsonCoder());
    PCollection<KV<String, String>> comparisonsJson = served.getShadowComparisons()
        .apply("ComparisonsToJson", MapElements.into(KEYED_JSON)
            .via((ShadowComparison c) -> KV.of(c.getRecordId(), ServingJson.comparison(c))))
        .setCoder(keyedJsonCoder());

    PCollection<String> recordFailures = PCollectionList.of(parsed.get(ParseRecords.DEAD_LETTERS))
        .and(served.getDeadLetters())
        .and(served.getUnserved())
        .apply("AllUnscoredRecords", Flatten.pCollections())
        .apply("UnscoredToJson", MapElements.into(TypeDescriptors.strings()).via(ServingJson::deadLetter));
    PCollection<String> modelFailures = PCollectionList.of(unparseableModels)
        .and(served.getRejectedModels())
        .apply("AllRejectedModels", Flatten.pCollections())
        .apply("RejectedModelsToJson", MapElements.into(TypeDescriptors.strings()).via(ServingJson::rejectedModel));
    PCollection<String> failures = PCollectionList.of(recordFailures).and(modelFailures)
        .apply("AllFailures", Flatten.pCollections());
    PCollection<KV<String, String>> statusJson = served.getModelStatus()
        .apply("ModelStatusToJson", MapElements.into(KEYED_JSON)
            .via((ModelStatusReport r) -> KV.of(r.getDataType(), StatusJson.report(r))))
        .setCoder(keyedJsonCoder());
    return new Outputs(served.getScored(), scoredJson, reviewJson, comparisonsJson, failures, statusJson);
  }

  private static final TypeDescriptor<KV<String, String>> KEYED_JSON =
      TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings());

  /** Record ids may be missing (JSON records without an id field): the key is nullable. */
  private static KvCoder<String, String> keyedJsonCoder() {
    return KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), StringUtf8Coder.of());
  }

  /** {@link ServeModels} configured from the options; {@code fileMode} picks the automatic serving mode. */
  static ServeModels<DataRecord> serveModels(RecordSchema schema, ServingOptions o, boolean fileMode) {
    return serveModels(schema, o, fileMode, PolicyOptions.from(o));
  }

  /** {@link ServeModels} configured from the options, serving under {@code policies}. */
  static ServeModels<DataRecord> serveModels(RecordSchema schema, ServingOptions o, boolean fileMode,
      PolicyOptions policies) {
    ServeModels<DataRecord> serve = policies.applyTo(ServeModels.<DataRecord>create())
        .withRecordIdFn(DataRecord::getId)
        .withMaxModelsPerDataType(o.getMaxModelsPerDataType())
        .withDataTypeFn(DataRecord::getDataType)
        .withFeatureExtractor(DataRecord::toFeatures)
        .withPayloadFormatter(DataRecord::getPayload)
        .withNoModelPolicy(noModelPolicy(o))
        .withMode(servingMode(o, fileMode))
        .withSwapPolicy(swapPolicy(o))
        .withBatchSize(o.getMinBatchSize(), o.getMaxBatchSize())
        .withMaxBatchWait(Duration.millis(o.getMaxBatchWaitMillis()))
        .withMaxLoadedModels(o.getMaxLoadedModels())
        .withModelGuard(modelGuard(o, fileMode));
    serve = withModelStatus(serve, o, fileMode);
    if (o.getShards() > 0) {
      serve = serve.withShards(o.getShards());
    }
    if (!schema.getColumns().isEmpty()) {
      serve = serve.withRecordFields(schema.getColumns());
    }
    Set<String> dataTypes = splitList(o.getDataTypes()).stream().collect(Collectors.toCollection(LinkedHashSet::new));
    if (!dataTypes.isEmpty()) {
      serve = serve.withDataTypes(dataTypes);
    }
    return serve;
  }

  /**
   * The status stream every {@code --statusIntervalSeconds}; off on Kafka with an empty {@code
   * --statusTopic} (file runs always write their status file).
   */
  static ServeModels<DataRecord> withModelStatus(ServeModels<DataRecord> serve, ServingOptions o, boolean fileMode) {
    if (o.getStatusIntervalSeconds() < 1) {
      throw new IllegalArgumentException("--statusIntervalSeconds must be at least 1, was " + o.getStatusIntervalSeconds());
    }
    if (!fileMode && (o.getStatusTopic() == null || o.getStatusTopic().isEmpty())) {
      return serve.withoutModelStatus();
    }
    return serve.withStatusInterval(Duration.standardSeconds(o.getStatusIntervalSeconds()));
  }

  static ServingMode servingMode(ServingOptions o, boolean fileMode) {
    switch (o.getServingMode().trim().toLowerCase()) {
      case "auto":
        return fileMode ? ServingMode.BROADCAST : ServingMode.KEYED;
      case "keyed":
        return ServingMode.KEYED;
      case "broadcast":
        return ServingMode.BROADCAST;
      default:
        throw new IllegalArgumentException(
            "--servingMode must be 'keyed', 'broadcast' or 'auto', was '" + o.getServingMode() + "'");
    }
  }

  static SwapPolicy swapPolicy(ServingOptions o) {
    switch (o.getSwapPolicy().trim().toLowerCase()) {
      case "when-ready":
        return SwapPolicy.WHEN_READY;
      case "in-order":
        return SwapPolicy.IN_ORDER;
      default:
        throw new IllegalArgumentException(
            "--swapPolicy must be 'when-ready' or 'in-order', was '" + o.getSwapPolicy() + "'");
    }
  }

  static NoModelPolicy noModelPolicy(ServingOptions o) {
    switch (o.getNoModelPolicy().trim().toLowerCase()) {
      case "hold":
        return NoModelPolicy.hold(o.getMaxHeldRecords(), Duration.standardSeconds(o.getMaxHoldSeconds()));
      case "unserved":
        return NoModelPolicy.emitUnserved();
      default:
        throw new IllegalArgumentException(
            "--noModelPolicy must be 'hold' or 'unserved', was '" + o.getNoModelPolicy() + "'");
    }
  }

  /** The record schema; {@code columns} override --csvColumns when not null (a file's header row). */
  public static RecordSchema recordSchema(ServingOptions o, List<String> columns) {
    return formatSchema(o, columns).withNonFiniteInputs(o.getAllowNonFiniteInputs());
  }

  private static RecordSchema formatSchema(ServingOptions o, List<String> columns) {
    String defaultType = o.getDefaultDataType() == null || o.getDefaultDataType().isEmpty() ? null : o.getDefaultDataType();
    switch (o.getDataFormat().trim().toLowerCase()) {
      case "csv":
        return RecordSchema.csv(columns != null ? columns : splitList(o.getCsvColumns()), separator(o.getCsvSeparator()),
            o.getIdField(), o.getDataTypeField(), defaultType);
      case "json":
        return RecordSchema.json(splitList(o.getRecordFields()), o.getIdField(), o.getDataTypeField(), defaultType);
      default:
        throw new IllegalArgumentException("--dataFormat must be 'csv' or 'json', was '" + o.getDataFormat() + "'");
    }
  }

  static char separator(String s) {
    if ("tab".equalsIgnoreCase(s) || "\\t".equals(s)) {
      return '\t';
    }
    if (s == null || s.length() != 1) {
      throw new IllegalArgumentException("--csvSeparator must be one character or 'tab', was '" + s + "'");
    }
    return s.charAt(0);
  }

  static List<String> splitList(String s) {
    if (s == null || s.isBlank()) {
      return List.of();
    }
    return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).collect(Collectors.toList());
  }

  /**
   * The {@link ModelGuard} the options describe: trusted keys (not in file mode, whose model files
   * are given on the command line), allowed model locations, limits and the TensorFlow op check.
   *
   * @throws IllegalArgumentException for a bad value, or a trusted key file that cannot be read
   */
  static ModelGuard modelGuard(ServingOptions o, boolean fileMode) {
    List<String> locations = o.getModelLocations() == null || o.getModelLocations().trim().equalsIgnoreCase("none")
        ? new java.util.ArrayList<>() : new java.util.ArrayList<>(splitList(o.getModelLocations()));
    if (fileMode && o.getModelFiles() != null) {
      for (String file : o.getModelFiles()) {
        // file mode's models are named on the command line: their locations are allowed as given
        boolean remote = file.contains("://") && !file.startsWith("file://");
        locations.add(remote ? file : java.nio.file.Paths.get(file.startsWith("file://")
            ? file.substring("file://".length()) : file).toAbsolutePath().normalize().toUri().toString());
      }
    }
    ModelGuard guard = ModelGuard.defaults()
        .withAllowedLocations(locations)
        .withLimits(o.getMaxModelBytes(), o.getMaxArchiveEntries(), o.getMaxArchiveFiles(), o.getMaxUnpackedBytes())
        .withGraphOpCheck(o.getCheckTfOps(),
            new java.util.TreeSet<>(o.getAllowedTfOps() == null ? List.of() : splitList(o.getAllowedTfOps())));
    if (o.getTrustedKeys() != null && !o.getTrustedKeys().isBlank()) {
      if (fileMode) {
        LOG.warn("--trustedKeys applies to the model topic; the model files of file mode are not checked");
        return guard;
      }
      List<java.nio.file.Path> paths = new java.util.ArrayList<>();
      for (String path : splitList(o.getTrustedKeys())) {
        paths.add(java.nio.file.Path.of(path));
      }
      try {
        guard = guard.withTrustedKeys(SigningKeys.readTrusted(paths));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("--trustedKeys: " + e.getMessage(), e);
      }
      LOG.info("Only model messages signed by one of the keys {} are loaded", guard.trustedKeys().keySet());
    }
    return guard;
  }
}

package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ScoredRecordCoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.joda.time.Duration;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Scores a stream of records with models that arrive as data on a second stream, swapping each new
 * model in while the pipeline runs.
 *
 * <pre>{@code
 * PCollection<Wine> wines = ...;                       // e.g. from KafkaIO
 * PCollection<ModelDescriptor> models = ...;          // e.g. from a compacted model topic
 *
 * ServeModels.Result<Wine> served = wines.apply(
 *     ServeModels.<Wine>create()
 *         .withModels(models)
 *         .withDataTypeFn(wine -> "wine")
 *         .withFeatureExtractor(wine -> Features.builder()
 *             .put("alcohol", wine.alcohol)
 *             .put("wine_type", wine.color)
 *             .build()));
 *
 * served.getScored();         // ScoredRecord<Wine>: output + model name, version, uuid, format
 * served.getDeadLetters();    // bad records, with the reason and the original payload
 * served.getUnserved();       // good records that had no model
 * served.getRejectedModels(); // models that failed to load; the previous model keeps serving
 * }</pre>
 *
 * <p>Both streams are keyed by data type (optionally sharded with {@link #withShards}) into a
 * stateful DoFn that keeps the current model, and the one before it, in Beam state, so a runner's
 * checkpoints carry them. Model formats are plug-ins ({@link dev.modelserving.beam.model.ModelFormat});
 * add {@code model-serving-pmml} or {@code model-serving-tensorflow} to the classpath.
 *
 * <p>Every record ends in exactly one of scored, dead letters or unserved. Serving state lives in
 * the global window: windowed inputs are moved into it, and the outputs are globally windowed.
 */
public final class ServeModels<T> extends PTransform<PCollection<T>, ServeModels.Result<T>> {
  private final PCollection<ModelDescriptor> models;
  private final SerializableFunction<T, String> dataTypeFn;
  private final SerializableFunction<T, Features> featureExtractor;
  private final SerializableFunction<T, String> payloadFormatter;
  private final List<String> recordFields;
  private final Set<String> dataTypes;
  private final int shards;
  private final NoModelPolicy noModelPolicy;

  private ServeModels(
      PCollection<ModelDescriptor> models,
      SerializableFunction<T, String> dataTypeFn,
      SerializableFunction<T, Features> featureExtractor,
      SerializableFunction<T, String> payloadFormatter,
      List<String> recordFields,
      Set<String> dataTypes,
      int shards,
      NoModelPolicy noModelPolicy) {
    this.models = models;
    this.dataTypeFn = dataTypeFn;
    this.featureExtractor = featureExtractor;
    this.payloadFormatter = payloadFormatter;
    this.recordFields = recordFields;
    this.dataTypes = dataTypes;
    this.shards = shards;
    this.noModelPolicy = noModelPolicy;
  }

  /** A transform with default settings; {@link #withModels}, {@link #withDataTypeFn} and {@link #withFeatureExtractor} are required. */
  public static <T> ServeModels<T> create() {
    return new ServeModels<>(
        null, null, null, String::valueOf, null, null, 1, NoModelPolicy.defaultPolicy());
  }

  /** The stream of models to serve; each is swapped in for its data type when it arrives. */
  public ServeModels<T> withModels(PCollection<ModelDescriptor> models) {
    return new ServeModels<>(models, dataTypeFn, featureExtractor, payloadFormatter, recordFields, dataTypes, shards, noModelPolicy);
  }

  /** How to find a record's data type: the key that selects its model. */
  public ServeModels<T> withDataTypeFn(SerializableFunction<T, String> dataTypeFn) {
    return new ServeModels<>(models, dataTypeFn, featureExtractor, payloadFormatter, recordFields, dataTypes, shards, noModelPolicy);
  }

  /** How to turn a record into the named features a model reads. */
  public ServeModels<T> withFeatureExtractor(SerializableFunction<T, Features> featureExtractor) {
    return new ServeModels<>(models, dataTypeFn, featureExtractor, payloadFormatter, recordFields, dataTypes, shards, noModelPolicy);
  }

  /** How a record is written into dead letters; default {@code String.valueOf}. */
  public ServeModels<T> withPayloadFormatter(SerializableFunction<T, String> payloadFormatter) {
    return new ServeModels<>(models, dataTypeFn, featureExtractor, payloadFormatter, recordFields, dataTypes, shards, noModelPolicy);
  }

  /**
   * Declares the fields every record has. A model that reads other fields is then rejected when it
   * is loaded, with the names, instead of failing on every record.
   */
  public ServeModels<T> withRecordFields(List<String> recordFields) {
    return new ServeModels<>(models, dataTypeFn, featureExtractor, payloadFormatter,
        Collections.unmodifiableList(new ArrayList<>(recordFields)), dataTypes, shards, noModelPolicy);
  }

  /** Declares the served data types; records and models of other types are rejected. */
  public ServeModels<T> withDataTypes(Set<String> dataTypes) {
    return new ServeModels<>(models, dataTypeFn, featureExtractor, payloadFormatter, recordFields,
        Collections.unmodifiableSet(new LinkedHashSet<>(dataTypes)), shards, noModelPolicy);
  }

  /**
   * Spreads each data type over {@code shards} keys, so one data type is not limited to one core.
   * Records go to a random shard; every model goes to all shards of its data type. Default 1.
   */
  public ServeModels<T> withShards(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("withShards needs at least 1 shard, was " + shards);
    }
    return new ServeModels<>(models, dataTypeFn, featureExtractor, payloadFormatter, recordFields, dataTypes, shards, noModelPolicy);
  }

  /** What to do with records that arrive before any model; default {@link NoModelPolicy#defaultPolicy()}. */
  public ServeModels<T> withNoModelPolicy(NoModelPolicy noModelPolicy) {
    return new ServeModels<>(models, dataTypeFn, featureExtractor, payloadFormatter, recordFields, dataTypes, shards,
        java.util.Objects.requireNonNull(noModelPolicy, "noModelPolicy"));
  }

  @Override
  public Map<TupleTag<?>, PValue> getAdditionalInputs() {
    return models == null ? Collections.emptyMap() : Collections.singletonMap(new TupleTag<ModelDescriptor>("models"), models);
  }

  @Override
  public Result<T> expand(PCollection<T> records) {
    if (models == null) {
      throw new IllegalArgumentException("ServeModels needs the model stream: call withModels(models)");
    }
    if (dataTypeFn == null) {
      throw new IllegalArgumentException("ServeModels needs a data type function: call withDataTypeFn(fn)");
    }
    if (featureExtractor == null) {
      throw new IllegalArgumentException("ServeModels needs a feature extractor: call withFeatureExtractor(fn)");
    }
    Coder<T> recordCoder = records.getCoder();
    ServingConfig<T> config = new ServingConfig<>(
        dataTypeFn, featureExtractor, payloadFormatter, recordFields, dataTypes, shards, noModelPolicy);
    Coder<KV<KV<String, Integer>, ServingEvent<T>>> routedCoder = KvCoder.of(
        KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()), new ServingEvent.EventCoder<>(recordCoder));
    TupleTag<KV<KV<String, Integer>, ServingEvent<T>>> routedRecordsTag = new TupleTag<>("routedRecords");
    TupleTag<KV<KV<String, Integer>, ServingEvent<T>>> routedModelsTag = new TupleTag<>("routedModels");
    // Plain (not anonymous) tags: an anonymous TupleTag would capture this transform, and with it the
    // model PCollection, into every DoFn, which then cannot be serialized. Coders are set explicitly.
    TupleTag<ScoredRecord<T>> scoredTag = new TupleTag<>("scored");
    TupleTag<DeadLetter> routeFailures = new TupleTag<>("routeFailures");
    TupleTag<RejectedModel> unreadableModels = new TupleTag<>("unreadableModels");

    PCollectionTuple routedRecords = inGlobalWindow(records, "RecordsInGlobalWindow").apply("RouteRecords",
        ParDo.of(new RouteRecordsFn<>(config, routedRecordsTag, routeFailures))
            .withOutputTags(routedRecordsTag, TupleTagList.of(routeFailures)));
    PCollectionTuple routedModels = inGlobalWindow(models, "ModelsInGlobalWindow").apply("RouteModels",
        ParDo.of(new RouteModelsFn<T>(config, routedModelsTag, unreadableModels))
            .withOutputTags(routedModelsTag, TupleTagList.of(unreadableModels)));

    PCollection<KV<KV<String, Integer>, ServingEvent<T>>> events = PCollectionList
        .of(routedRecords.get(routedRecordsTag).setCoder(routedCoder))
        .and(routedModels.get(routedModelsTag).setCoder(routedCoder))
        .apply("MergeModelsAndRecords", Flatten.pCollections());

    TupleTag<DeadLetter> deadLetters = new TupleTag<>("deadLetters");
    TupleTag<DeadLetter> unserved = new TupleTag<>("unserved");
    TupleTag<RejectedModel> rejected = new TupleTag<>("rejectedModels");
    PCollectionTuple served = events.apply("ServeWithModelState",
        ParDo.of(new ModelServingFn<>(config, recordCoder, scoredTag, deadLetters, unserved, rejected))
            .withOutputTags(scoredTag, TupleTagList.of(deadLetters).and(unserved).and(rejected)));

    Coder<DeadLetter> deadLetterCoder = SerializableCoder.of(DeadLetter.class);
    Coder<RejectedModel> rejectedCoder = SerializableCoder.of(RejectedModel.class);
    PCollection<ScoredRecord<T>> scored = served.get(scoredTag).setCoder(ScoredRecordCoder.of(recordCoder));
    PCollection<DeadLetter> allDeadLetters = PCollectionList
        .of(routedRecords.get(routeFailures).setCoder(deadLetterCoder))
        .and(served.get(deadLetters).setCoder(deadLetterCoder))
        .apply("AllDeadLetters", Flatten.pCollections());
    PCollection<RejectedModel> allRejected = PCollectionList
        .of(routedModels.get(unreadableModels).setCoder(rejectedCoder))
        .and(served.get(rejected).setCoder(rejectedCoder))
        .apply("AllRejectedModels", Flatten.pCollections());
    return new Result<>(records.getPipeline(), scored, allDeadLetters,
        served.get(unserved).setCoder(deadLetterCoder), allRejected);
  }

  /**
   * A model serves every window that comes after it, so serving state lives in the global window:
   * windowed inputs are moved into it (timestamps kept). Window the outputs again as needed.
   */
  private static <V> PCollection<V> inGlobalWindow(PCollection<V> input, String name) {
    if (input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows) {
      return input;
    }
    return input.apply(name, Window.<V>into(new GlobalWindows()).triggering(DefaultTrigger.of())
        .discardingFiredPanes().withAllowedLateness(Duration.ZERO));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("shards", shards).withLabel("Shards per data type"))
        .add(DisplayData.item("noModelPolicy", noModelPolicy.toString()).withLabel("Records before any model"))
        .addIfNotNull(DisplayData.item("dataTypes", dataTypes == null ? null : dataTypes.toString())
            .withLabel("Served data types"))
        .addIfNotNull(DisplayData.item("recordFields", recordFields == null ? null : recordFields.toString())
            .withLabel("Record fields"));
  }

  /** The outputs of {@link ServeModels}: every input record is in exactly one of the first three. */
  public static final class Result<T> implements POutput {
    private final Pipeline pipeline;
    private final PCollection<ScoredRecord<T>> scored;
    private final PCollection<DeadLetter> deadLetters;
    private final PCollection<DeadLetter> unserved;
    private final PCollection<RejectedModel> rejectedModels;

    Result(Pipeline pipeline, PCollection<ScoredRecord<T>> scored, PCollection<DeadLetter> deadLetters,
        PCollection<DeadLetter> unserved, PCollection<RejectedModel> rejectedModels) {
      this.pipeline = pipeline;
      this.scored = scored;
      this.deadLetters = deadLetters;
      this.unserved = unserved;
      this.rejectedModels = rejectedModels;
    }

    /** Records with their model output and the model that produced it. */
    public PCollection<ScoredRecord<T>> getScored() {
      return scored;
    }

    /** Bad records (unparseable, unknown data type, missing or invalid features), with the reason. */
    public PCollection<DeadLetter> getDeadLetters() {
      return deadLetters;
    }

    /** Records that had no model to score them, with the reason. */
    public PCollection<DeadLetter> getUnserved() {
      return unserved;
    }

    /** Models that could not be read or loaded, with the reason. */
    public PCollection<RejectedModel> getRejectedModels() {
      return rejectedModels;
    }

    @Override
    public Pipeline getPipeline() {
      return pipeline;
    }

    @Override
    public Map<TupleTag<?>, PValue> expand() {
      return Map.of(
          new TupleTag<ScoredRecord<T>>("scored"), scored,
          new TupleTag<DeadLetter>("deadLetters"), deadLetters,
          new TupleTag<DeadLetter>("unserved"), unserved,
          new TupleTag<RejectedModel>("rejectedModels"), rejectedModels);
    }

    @Override
    public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
  }
}

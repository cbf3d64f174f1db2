package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.DeadLetterCoder;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.RejectedModelCoder;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ScoredRecordCoder;
import dev.modelserving.beam.record.DecisionCoders;
import dev.modelserving.beam.record.ShadowComparison;
import dev.modelserving.beam.serving.policy.ServingPolicies;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import dev.modelserving.beam.serving.cache.ModelCache;
import dev.modelserving.beam.status.ModelStatus;
import dev.modelserving.beam.status.ModelStatusEventCoder;
import dev.modelserving.beam.status.ModelStatusEvent;
import dev.modelserving.beam.status.ModelStatusReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

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
 * served.getRejectedModels(); // models that were refused; the previous model keeps serving
 * served.getModelStatus();    // per data type: current models, records scored, latency (every 30 s, on swaps)
 * }</pre>
 *
 * <p>Each data type holds a named set of models: a message adds or replaces the model of its name,
 * or removes it, rolls it back to its previous version, or routes traffic ({@code action} of the
 * model message). A {@link ServingPolicy} decides which models answer a record ({@link #withPolicy};
 * default: the newest model alone) and every result carries its {@link
 * dev.modelserving.beam.record.DecisionTrace}:
 *
 * <pre>{@code
 * wines.apply(ServeModels.<Wine>create()
 *     ...
 *     .withRecordIdFn(wine -> wine.id)                                           // sticky routing
 *     .withPolicy(ServingPolicies.speculative(Duration.millis(20), "wine-linear"))
 *     .withPolicy("beer", ServingPolicies.routed()));                             // per data type
 * }</pre>
 *
 * <p>Records are packed into batches where they are read ({@link #withBatchSize}, {@link
 * #withMaxBatchWait}); each batch is one model call. In {@link ServingMode#KEYED} mode (the
 * default) batches are shuffled to the key (data type, shard) whose Beam state holds the model, so
 * a runner's checkpoints carry the models; in {@link ServingMode#BROADCAST} mode the models are a
 * side input and batches are scored where they are read. Loaded models are shared by every thread
 * of a JVM ({@link ModelCache}) and loaded off the serving path: a slow load never pauses serving
 * ({@link SwapPolicy}). Model formats are plug-ins ({@link dev.modelserving.beam.model.ModelFormat});
 * add {@code model-serving-pmml} or {@code model-serving-tensorflow} to the classpath.
 *
 * <p>Every record ends in exactly one of scored, dead letters or unserved, with its own event
 * timestamp. Serving state lives in the global window: windowed inputs are moved into it, and the
 * outputs are globally windowed.
 */
public final class ServeModels<T> extends PTransform<PCollection<T>, ServeModels.Result<T>> {
  /** The default of {@link #withMaxModelsPerDataType}. */
  public static final int DEFAULT_MAX_MODELS_PER_DATA_TYPE = 8;

  private final Spec<T> spec;

  private ServeModels(Spec<T> spec) {
    this.spec = spec;
  }

  /**
   * A transform with default settings; {@link #withModels}, {@link #withDataTypeFn} and {@link
   * #withFeatureExtractor} are required.
   */
  public static <T> ServeModels<T> create() {
    return new ServeModels<>(new Spec<>());
  }

  /** The stream of models to serve; each is swapped in for its data type when it arrives. */
  public ServeModels<T> withModels(PCollection<ModelDescriptor> models) {
    return with(s -> s.models = models);
  }

  /** How to find a record's data type: the key that selects its model. */
  public ServeModels<T> withDataTypeFn(SerializableFunction<T, String> dataTypeFn) {
    return with(s -> s.dataTypeFn = dataTypeFn);
  }

  /** How to turn a record into the named features a model reads; called once per record. */
  public ServeModels<T> withFeatureExtractor(SerializableFunction<T, Features> featureExtractor) {
    return with(s -> s.featureExtractor = featureExtractor);
  }

  /** How a record is written into dead letters; default {@code String.valueOf}. */
  public ServeModels<T> withPayloadFormatter(SerializableFunction<T, String> payloadFormatter) {
    return with(s -> s.payloadFormatter = payloadFormatter);
  }

  /**
   * Declares the fields every record has. A model that reads other fields is then rejected when it
   * is loaded, with the names, instead of failing on every record.
   */
  public ServeModels<T> withRecordFields(List<String> recordFields) {
    return with(s -> s.recordFields = Collections.unmodifiableList(new ArrayList<>(recordFields)));
  }

  /** Declares the served data types; records and models of other types are rejected. */
  public ServeModels<T> withDataTypes(Set<String> dataTypes) {
    return with(s -> s.dataTypes = Collections.unmodifiableSet(new LinkedHashSet<>(dataTypes)));
  }

  /**
   * Keyed mode: spreads each data type over {@code shards} keys, so one data type is not limited to
   * one core. Batches go to the shards in turn; every model goes to all shards of its data type.
   * Default: the runner's parallelism where the options tell it (Flink {@code --parallelism},
   * DirectRunner {@code --targetParallelism}), else the cores of the launching machine; set it
   * explicitly on Dataflow. On Flink the shards' keys are picked so that each lands on a subtask of
   * its own (see {@code ShardKeys}).
   */
  public ServeModels<T> withShards(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("withShards needs at least 1 shard, was " + shards);
    }
    return with(s -> s.shards = shards);
  }

  /** What to do with records that arrive before any model; default {@link NoModelPolicy#defaultPolicy()}. */
  public ServeModels<T> withNoModelPolicy(NoModelPolicy noModelPolicy) {
    Objects.requireNonNull(noModelPolicy, "withNoModelPolicy needs a policy");
    return with(s -> s.noModelPolicy = noModelPolicy);
  }

  /**
   * Batches hold at most {@code max} records (default {@value BatchLimits#DEFAULT_MAX}); in keyed
   * mode a batch smaller than {@code min} (default {@value BatchLimits#DEFAULT_MIN}) waits in state
   * for more, up to the {@linkplain #withMaxBatchWait maximum wait}.
   */
  public ServeModels<T> withBatchSize(int min, int max) {
    BatchLimits limits = spec.batchLimits.withSize(min, max);
    return with(s -> s.batchLimits = limits);
  }

  /**
   * The longest a record waits for its batch to fill, at any input rate (default 10 ms). On Flink
   * keep {@code --maxBundleTimeMills} below it: records also wait for the end of their bundle.
   */
  public ServeModels<T> withMaxBatchWait(Duration maxWait) {
    BatchLimits limits = spec.batchLimits.withMaxWait(maxWait);
    return with(s -> s.batchLimits = limits);
  }

  /** {@link ServingMode#KEYED} (default) or {@link ServingMode#BROADCAST}. */
  public ServeModels<T> withMode(ServingMode mode) {
    Objects.requireNonNull(mode, "withMode needs a mode");
    return with(s -> s.mode = mode);
  }

  /** When a new model takes over: {@link SwapPolicy#WHEN_READY} (default) or {@link SwapPolicy#IN_ORDER}. */
  public ServeModels<T> withSwapPolicy(SwapPolicy swapPolicy) {
    Objects.requireNonNull(swapPolicy, "withSwapPolicy needs a policy");
    return with(s -> s.swapPolicy = swapPolicy);
  }

  /**
   * The most models loaded at once in one JVM (default {@value ModelCache#DEFAULT_MAX_MODELS});
   * past it the least recently used model is closed and loaded again when next needed.
   */
  public ServeModels<T> withMaxLoadedModels(int maxLoadedModels) {
    if (maxLoadedModels < 1) {
      throw new IllegalArgumentException("withMaxLoadedModels needs at least 1, was " + maxLoadedModels);
    }
    return with(s -> s.maxLoadedModels = maxLoadedModels);
  }

  /**
   * The serving policy of every data type without its own (default {@link
   * ServingPolicies#current()}: the newest model serves alone). See {@link ServingPolicies}.
   */
  public ServeModels<T> withPolicy(ServingPolicy policy) {
    Objects.requireNonNull(policy, "withPolicy needs a policy");
    return with(s -> s.defaultPolicy = policy);
  }

  /** The serving policy of one data type; others keep the {@linkplain #withPolicy(ServingPolicy) default}. */
  public ServeModels<T> withPolicy(String dataType, ServingPolicy policy) {
    Objects.requireNonNull(dataType, "withPolicy needs a data type");
    Objects.requireNonNull(policy, "withPolicy needs a policy");
    return with(s -> {
      Map<String, ServingPolicy> next = new LinkedHashMap<>(s.policies);
      next.put(dataType, policy);
      s.policies = Collections.unmodifiableMap(next);
    });
  }

  /**
   * A record's stable id: routed policies send a record to the same model every time by its hash,
   * and shadow comparisons name it. Default: the record's payload (see {@link #withPayloadFormatter}).
   */
  public ServeModels<T> withRecordIdFn(SerializableFunction<T, String> recordIdFn) {
    Objects.requireNonNull(recordIdFn, "withRecordIdFn needs a function");
    return with(s -> s.recordIdFn = recordIdFn);
  }

  /**
   * The most models (distinct names) one data type's set holds (default {@value
   * #DEFAULT_MAX_MODELS_PER_DATA_TYPE}); a model with a new name past it is rejected. Each model
   * keeps its current and its previous version in state.
   */
  public ServeModels<T> withMaxModelsPerDataType(int maxModels) {
    if (maxModels < 1) {
      throw new IllegalArgumentException("withMaxModelsPerDataType needs at least 1, was " + maxModels);
    }
    return with(s -> s.maxModelsPerDataType = maxModels);
  }

  /**
   * How often the {@linkplain Result#getModelStatus() model status stream} reports each data type
   * when the input is unbounded (default {@link ModelStatus#DEFAULT_INTERVAL}, 30 s); it also
   * reports on every change of a data type's set.
   */
  public ServeModels<T> withStatusInterval(Duration interval) {
    Objects.requireNonNull(interval, "withStatusInterval needs an interval");
    if (!interval.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("withStatusInterval needs an interval above zero, was " + interval);
    }
    return with(s -> {
      s.modelStatus = true;
      s.statusInterval = interval;
    });
  }

  /**
   * What a model message must pass before it is loaded (default {@link ModelGuard#defaults()}):
   * with trusted keys its signature, where a model given by location may be read from, size and
   * archive limits, and the graph op allow-list. A message that fails is rejected with the reason
   * (see {@link Result#getRejectedModels()}) and the models already served keep serving.
   */
  public ServeModels<T> withModelGuard(ModelGuard guard) {
    Objects.requireNonNull(guard, "withModelGuard needs a guard");
    return with(s -> s.guard = guard);
  }

  /**
   * Turns the model status stream off: the serving steps then gather no per-batch stats for it,
   * and {@link Result#getModelStatus()} is empty.
   */
  public ServeModels<T> withoutModelStatus() {
    return with(s -> s.modelStatus = false);
  }

  @Override
  public Map<TupleTag<?>, PValue> getAdditionalInputs() {
    return spec.models == null
        ? Collections.emptyMap()
        : Collections.singletonMap(new TupleTag<ModelDescriptor>("models"), spec.models);
  }

  @Override
  public Result<T> expand(PCollection<T> records) {
    if (spec.models == null) {
      throw new IllegalArgumentException("ServeModels needs the model stream: call withModels(models)");
    }
    if (spec.dataTypeFn == null) {
      throw new IllegalArgumentException("ServeModels needs a data type function: call withDataTypeFn(fn)");
    }
    if (spec.featureExtractor == null) {
      throw new IllegalArgumentException("ServeModels needs a feature extractor: call withFeatureExtractor(fn)");
    }
    Pipeline pipeline = records.getPipeline();
    boolean keyed = spec.mode == ServingMode.KEYED;
    int shards = !keyed ? 1 : spec.shards > 0 ? spec.shards : DefaultShards.of(pipeline.getOptions());
    ServingConfig<T> config = new ServingConfig<>(spec.dataTypeFn, spec.featureExtractor, spec.payloadFormatter,
        spec.recordFields, spec.dataTypes, ShardKeys.forRunner(pipeline.getOptions(), shards, servingKeyCoder()),
        spec.noModelPolicy, spec.batchLimits, spec.swapPolicy,
        spec.maxLoadedModels, UUID.randomUUID().toString(), records.isBounded() == PCollection.IsBounded.BOUNDED,
        spec.defaultPolicy, spec.policies, spec.recordIdFn, spec.maxModelsPerDataType, spec.modelStatus, spec.guard);
    Coder<T> recordCoder = records.getCoder();
    ServingTags<T> tags = new ServingTags<>();

    TupleTag<KV<KV<String, Integer>, RecordBatch<T>>> batchesTag = new TupleTag<>("batches");
    TupleTag<DeadLetter> routeFailures = new TupleTag<>("routeFailures");
    PCollectionTuple packed = inGlobalWindow(records, "RecordsInGlobalWindow").apply("PackBatches",
        ParDo.of(new PackBatchesFn<>(config, batchesTag, routeFailures))
            .withOutputTags(batchesTag, TupleTagList.of(routeFailures)));
    PCollection<KV<KV<String, Integer>, RecordBatch<T>>> batches = packed.get(batchesTag)
        .setCoder(KvCoder.of(servingKeyCoder(), RecordBatchCoder.of(recordCoder)));

    TupleTag<ModelDescriptor> routedTag = new TupleTag<>("routedModels");
    TupleTag<RejectedModel> unreadable = new TupleTag<>("unreadableModels");
    PCollectionTuple routed = inGlobalWindow(spec.models, "ModelsInGlobalWindow").apply("RouteModels",
        ParDo.of(new RouteModelsFn(config, routedTag, unreadable)).withOutputTags(routedTag, TupleTagList.of(unreadable)));
    PCollection<ModelDescriptor> models = routed.get(routedTag).setCoder(ModelDescriptorCoder.of());

    PCollectionList<RejectedModel> rejections =
        PCollectionList.of(routed.get(unreadable).setCoder(RejectedModelCoder.of()));
    PCollectionTuple served;
    PCollectionList<ModelStatusEvent> statusEvents = PCollectionList.empty(pipeline);
    if (keyed) {
      served = serveKeyed(config, tags, recordCoder, batches, models);
    } else {
      TupleTag<ModelSetSnapshot> admittedTag = new TupleTag<>("admittedModels");
      TupleTag<RejectedModel> refused = new TupleTag<>("refusedModels");
      TupleTag<ModelStatusEvent> changes = new TupleTag<>("modelSetChanges");
      PCollectionTuple admitted = models
          .apply("KeyModelsByDataType", WithKeys.of(ModelDescriptor::getDataType).withKeyType(TypeDescriptors.strings()))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), ModelDescriptorCoder.of()))
          .apply("AdmitModels", ParDo.of(new AdmitModelsFn(config, admittedTag, refused, changes))
              .withOutputTags(admittedTag, TupleTagList.of(refused).and(changes)));
      rejections = rejections.and(admitted.get(refused).setCoder(RejectedModelCoder.of()));
      statusEvents = statusEvents.and(admitted.get(changes).setCoder(ModelStatusEventCoder.of()));
      PCollectionView<Iterable<LatestModels>> view = latestModelsView(
          admitted.get(admittedTag).setCoder(ModelSetSnapshot.SnapshotCoder.of()), config);
      served = batches.apply("ServeWithBroadcastModels",
          ParDo.of(new BroadcastServingFn<>(config, tags))
              .withSideInput(BroadcastServingFn.SIDE_INPUT, view)
              .withOutputTags(tags.scored, tags.additional()));
    }

    PCollection<ScoredRecord<T>> scored = served.get(tags.scored).setCoder(ScoredRecordCoder.of(recordCoder));
    PCollection<DeadLetter> deadLetters = PCollectionList
        .of(packed.get(routeFailures).setCoder(DeadLetterCoder.of()))
        .and(served.get(tags.deadLetters).setCoder(DeadLetterCoder.of()))
        .apply("AllDeadLetters", Flatten.pCollections());
    PCollection<RejectedModel> rejected = rejections
        .and(served.get(tags.rejected).setCoder(RejectedModelCoder.of()))
        .apply("AllRejectedModels", Flatten.pCollections())
        .apply("KeyRejectionsByModel", WithKeys.of(DistinctRejectionsFn::identity).withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), RejectedModelCoder.of()))
        .apply("EachRejectionOnce", ParDo.of(new DistinctRejectionsFn()))
        .setCoder(RejectedModelCoder.of());
    PCollection<ModelStatusReport> status = statusEvents
        .and(served.get(tags.status).setCoder(ModelStatusEventCoder.of()))
        .apply("AllStatusEvents", Flatten.pCollections())
        .apply("ModelStatus", ModelStatus.create().withInterval(spec.statusInterval));
    return new Result<>(pipeline, scored, deadLetters, served.get(tags.unserved).setCoder(DeadLetterCoder.of()), rejected,
        served.get(tags.review).setCoder(ScoredRecordCoder.of(recordCoder)),
        served.get(tags.comparisons).setCoder(DecisionCoders.ComparisonCoder.of()), status);
  }

  private static <T> PCollectionTuple serveKeyed(ServingConfig<T> config, ServingTags<T> tags, Coder<T> recordCoder,
      PCollection<KV<KV<String, Integer>, RecordBatch<T>>> batches, PCollection<ModelDescriptor> models) {
    Coder<KV<KV<String, Integer>, ServingEvent<T>>> eventCoder =
        KvCoder.of(servingKeyCoder(), new ServingEvent.EventCoder<>(recordCoder));
    PCollection<KV<KV<String, Integer>, ServingEvent<T>>> batchEvents = batches
        .apply("BatchesAsEvents", MapElements
            .into(new TypeDescriptor<KV<KV<String, Integer>, ServingEvent<T>>>() {})
            .via(kv -> KV.of(kv.getKey(), ServingEvent.batch(kv.getValue()))))
        .setCoder(eventCoder);
    PCollection<KV<KV<String, Integer>, ServingEvent<T>>> modelEvents =
        models.apply("ModelsToEveryShard", ParDo.of(new ToShardsFn<T>(config.shardKeys))).setCoder(eventCoder);
    return PCollectionList.of(batchEvents).and(modelEvents)
        .apply("MergeModelsAndBatches", Flatten.pCollections())
        .apply("ServeWithKeyedModels", ParDo.of(new KeyedServingFn<>(config, recordCoder, tags))
            .withOutputTags(tags.scored, tags.additional()));
  }

  /**
   * The latest model set of every data type as a side input, updated by every admitted message.
   * With {@link NoModelPolicy#emitUnserved()} it exists from the start (empty), so records of a data
   * type without a model are unserved at once; otherwise the runner holds records until the first
   * model arrives.
   *
   * <p>Every admitted model fires a new combined value; the view is an iterable, merged by the
   * serving DoFn, so that it is right whatever panes a runner delivers (one value per update when
   * streaming, all of them in a batch run).
   */
  private static <T> PCollectionView<Iterable<LatestModels>> latestModelsView(
      PCollection<ModelSetSnapshot> admitted, ServingConfig<T> config) {
    PCollection<ModelSetSnapshot> updates = admitted;
    if (!config.noModelPolicy.holds()) {
      PCollection<ModelSetSnapshot> start = admitted.getPipeline()
          .apply("NoModelsYet", Create.of(ModelSetSnapshot.marker()).withCoder(ModelSetSnapshot.SnapshotCoder.of()));
      updates = PCollectionList.of(start).and(admitted).apply("ModelUpdates", Flatten.pCollections());
    }
    return updates
        .apply("EveryModelUpdate", Window.<ModelSetSnapshot>into(new GlobalWindows())
            .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
            .accumulatingFiredPanes()
            .withOnTimeBehavior(Window.OnTimeBehavior.FIRE_IF_NON_EMPTY)
            .withAllowedLateness(Duration.ZERO, Window.ClosingBehavior.FIRE_IF_NON_EMPTY))
        .apply("LatestModelPerDataType", Combine.globally(new LatestModels.LatestFn()).withoutDefaults())
        .setCoder(LatestModels.LatestModelsCoder.of())
        // Without FIRE_IF_NON_EMPTY, a bounded model stream that ends would close the global window
        // with an empty pane, and some runners (Flink) would replace the side input with nothing.
        .apply("OnlyTheNewestValue", Window.<LatestModels>configure().discardingFiredPanes()
            .withOnTimeBehavior(Window.OnTimeBehavior.FIRE_IF_NON_EMPTY)
            .withAllowedLateness(Duration.ZERO, Window.ClosingBehavior.FIRE_IF_NON_EMPTY))
        .apply("LatestModelsView", View.asIterable());
  }

  private static Coder<KV<String, Integer>> servingKeyCoder() {
    return KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
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
        .add(DisplayData.item("mode", spec.mode.toString()).withLabel("Serving mode"))
        .add(DisplayData.item("swapPolicy", spec.swapPolicy.toString()).withLabel("Model swap"))
        .add(DisplayData.item("batching", spec.batchLimits.toString()).withLabel("Batching"))
        .add(DisplayData.item("shards", spec.shards > 0 ? String.valueOf(spec.shards) : "runner parallelism")
            .withLabel("Shards per data type"))
        .add(DisplayData.item("maxLoadedModels", spec.maxLoadedModels).withLabel("Loaded models per JVM at most"))
        .add(DisplayData.item("noModelPolicy", spec.noModelPolicy.toString()).withLabel("Records before any model"))
        .add(DisplayData.item("policy", spec.defaultPolicy.toString()).withLabel("Serving policy"))
        .addIfNotNull(DisplayData.item("policies", spec.policies.isEmpty() ? null : spec.policies.toString())
            .withLabel("Serving policies by data type"))
        .add(DisplayData.item("modelGuard", spec.guard.toString()).withLabel("Model checks before loading"))
        .add(DisplayData.item("maxModelsPerDataType", spec.maxModelsPerDataType).withLabel("Models per data type at most"))
        .add(DisplayData.item("modelStatus", spec.modelStatus ? "every " + spec.statusInterval + " and on every change" : "off")
            .withLabel("Model status stream"))
        .addIfNotNull(DisplayData.item("dataTypes", spec.dataTypes == null ? null : spec.dataTypes.toString())
            .withLabel("Served data types"))
        .addIfNotNull(DisplayData.item("recordFields", spec.recordFields == null ? null : spec.recordFields.toString())
            .withLabel("Record fields"));
  }

  private ServeModels<T> with(java.util.function.Consumer<Spec<T>> change) {
    Spec<T> copy = spec.copy();
    change.accept(copy);
    return new ServeModels<>(copy);
  }

  /** The settings of a {@link ServeModels}; copied by every {@code with*} call. */
  private static final class Spec<T> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    transient PCollection<ModelDescriptor> models;
    SerializableFunction<T, String> dataTypeFn;
    SerializableFunction<T, Features> featureExtractor;
    SerializableFunction<T, String> payloadFormatter = String::valueOf;
    List<String> recordFields;
    Set<String> dataTypes;
    int shards;
    NoModelPolicy noModelPolicy = NoModelPolicy.defaultPolicy();
    BatchLimits batchLimits = BatchLimits.defaults();
    ServingMode mode = ServingMode.KEYED;
    SwapPolicy swapPolicy = SwapPolicy.WHEN_READY;
    int maxLoadedModels = ModelCache.DEFAULT_MAX_MODELS;
    ServingPolicy defaultPolicy = ServingPolicies.current();
    Map<String, ServingPolicy> policies = Collections.emptyMap();
    SerializableFunction<T, String> recordIdFn;
    int maxModelsPerDataType = DEFAULT_MAX_MODELS_PER_DATA_TYPE;
    boolean modelStatus = true;
    Duration statusInterval = ModelStatus.DEFAULT_INTERVAL;
    ModelGuard guard = ModelGuard.defaults();

    Spec<T> copy() {
      Spec<T> c = new Spec<>();
      c.models = models;
      c.dataTypeFn = dataTypeFn;
      c.featureExtractor = featureExtractor;
      c.payloadFormatter = payloadFormatter;
      c.recordFields = recordFields;
      c.dataTypes = dataTypes;
      c.shards = shards;
      c.noModelPolicy = noModelPolicy;
      c.batchLimits = batchLimits;
      c.mode = mode;
      c.swapPolicy = swapPolicy;
      c.maxLoadedModels = maxLoadedModels;
      c.defaultPolicy = defaultPolicy;
      c.policies = policies;
      c.recordIdFn = recordIdFn;
      c.maxModelsPerDataType = maxModelsPerDataType;
      c.modelStatus = modelStatus;
      c.statusInterval = statusInterval;
      c.guard = guard;
      return c;
    }
  }

  /**
   * The outputs of {@link ServeModels}: every input record is in exactly one of scored, review,
   * dead letters and unserved.
   */
  public static final class Result<T> implements POutput {
    private final Pipeline pipeline;
    private final PCollection<ScoredRecord<T>> scored;
    private final PCollection<DeadLetter> deadLetters;
    private final PCollection<DeadLetter> unserved;
    private final PCollection<RejectedModel> rejectedModels;
    private final PCollection<ScoredRecord<T>> review;
    private final PCollection<ShadowComparison> shadowComparisons;
    private final PCollection<ModelStatusReport> modelStatus;

    Result(Pipeline pipeline, PCollection<ScoredRecord<T>> scored, PCollection<DeadLetter> deadLetters,
        PCollection<DeadLetter> unserved, PCollection<RejectedModel> rejectedModels,
        PCollection<ScoredRecord<T>> review, PCollection<ShadowComparison> shadowComparisons,
        PCollection<ModelStatusReport> modelStatus) {
      this.modelStatus = modelStatus;
      this.review = review;
      this.shadowComparisons = shadowComparisons;
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

    /**
     * Records a policy sent to review instead of scoring them (e.g. {@link
     * ServingPolicies#bestConfidence} below its minimum), with the best answer and the decision trace.
     */
    public PCollection<ScoredRecord<T>> getReview() {
      return review;
    }

    /** Shadow models' answers next to each record's result (routed policy with shadows); never results. */
    public PCollection<ShadowComparison> getShadowComparisons() {
      return shadowComparisons;
    }

    /** Models that were refused (unreadable, not loading, older than the current one), once each, with the reason. */
    public PCollection<RejectedModel> getRejectedModels() {
      return rejectedModels;
    }

    /**
     * The status of every data type's models (the stream equivalent of queryable state): a {@link
     * ModelStatusReport} on every change of a data type's set and, for an unbounded input, every
     * {@linkplain ServeModels#withStatusInterval interval}; for a bounded input, one more when it
     * ends. Each names the current models with their role, load time, records scored since they
     * became current and call latencies. Empty with {@link ServeModels#withoutModelStatus()}.
     */
    public PCollection<ModelStatusReport> getModelStatus() {
      return modelStatus;
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
          new TupleTag<RejectedModel>("rejectedModels"), rejectedModels,
          new TupleTag<ScoredRecord<T>>("review"), review,
          new TupleTag<ShadowComparison>("shadowComparisons"), shadowComparisons,
          new TupleTag<ModelStatusReport>("modelStatus"), modelStatus);
    }

    @Override
    public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
  }
}

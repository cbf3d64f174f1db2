package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving state for one key (data type, shard): the models in {@link ModelSlots}, their bytes
 * in map state, and the records held while no model has arrived. A runner checkpoints all of it.
 *
 * <p>Loaded scorers are cached per DoFn instance by model uuid, loaded once per (key, version) and
 * closed when no key of this instance serves them any more. After a restore from a checkpoint the
 * scorer is rebuilt from the bytes in state on the first record.
 */
final class ModelServingFn<T> extends DoFn<KV<KV<String, Integer>, ServingEvent<T>>, ScoredRecord<T>> {
  private static final Logger LOG = LoggerFactory.getLogger(ModelServingFn.class);
  static final String DECISION_CURRENT = "current";

  private final ServingConfig<T> config;
  private final TupleTag<ScoredRecord<T>> scored;
  private final TupleTag<DeadLetter> deadLetters;
  private final TupleTag<DeadLetter> unserved;
  private final TupleTag<RejectedModel> rejected;

  @StateId("slots")
  private final StateSpec<ValueState<ModelSlots>> slotsSpec =
      StateSpecs.value(ModelSlotsCoder.of());

  @StateId("models")
  private final StateSpec<MapState<String, ModelDescriptor>> modelsSpec =
      StateSpecs.map(StringUtf8Coder.of(), ModelDescriptorCoder.of());

  @StateId("held")
  private final StateSpec<BagState<T>> heldSpec;

  @StateId("heldCount")
  private final StateSpec<ValueState<Integer>> heldCountSpec = StateSpecs.value(VarIntCoder.of());

  @TimerId("holdExpired")
  private final TimerSpec holdExpiredSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

  @TimerId("inputEnded")
  private final TimerSpec inputEndedSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private transient ServingMetrics metrics;
  /** Loaded scorers of this instance, by model uuid. */
  private transient Map<String, Scorer> scorers;
  /** The uuid each key of this instance is served by. */
  private transient Map<KV<String, Integer>, String> servedUuid;
  /** Uuids that failed to load from state, so they are not retried per record. */
  private transient Map<String, String> failedUuids;

  ModelServingFn(
      ServingConfig<T> config,
      Coder<T> recordCoder,
      TupleTag<ScoredRecord<T>> scored,
      TupleTag<DeadLetter> deadLetters,
      TupleTag<DeadLetter> unserved,
      TupleTag<RejectedModel> rejected) {
    this.config = config;
    this.heldSpec = StateSpecs.bag(recordCoder);
    this.scored = scored;
    this.deadLetters = deadLetters;
    this.unserved = unserved;
    this.rejected = rejected;
  }

  @Setup
  public void setup() {
    metrics = new ServingMetrics();
    scorers = new HashMap<>();
    servedUuid = new HashMap<>();
    failedUuids = new HashMap<>();
  }

  @Teardown
  public void teardown() {
    if (scorers != null) {
      scorers.values().forEach(Scorer::close);
      scorers.clear();
    }
  }

  @ProcessElement
  public void process(
      @Element KV<KV<String, Integer>, ServingEvent<T>> element,
      @StateId("slots") ValueState<ModelSlots> slotsState,
      @StateId("models") MapState<String, ModelDescriptor> modelsState,
      @StateId("held") BagState<T> held,
      @StateId("heldCount") ValueState<Integer> heldCount,
      @TimerId("holdExpired") Timer holdExpired,
      @TimerId("inputEnded") Timer inputEnded,
      BoundedWindow window,
      MultiOutputReceiver out) {
    KV<String, Integer> key = element.getKey();
    ServingEvent<T> event = element.getValue();
    if (event.isModel()) {
      if (install(key, event.model(), slotsState, modelsState, out)
          && releaseHeld(key, slotsState, modelsState, held, heldCount, out)) {
        // the hold timers would otherwise keep holding the watermark back until they fire
        holdExpired.clear();
        inputEnded.clear();
      }
      return;
    }
    ModelSlots slots = slotsState.read();
    ModelRef current = slots == null ? null : slots.get(ModelSlots.CURRENT);
    if (current == null) {
      noModelYet(key, event.record(), held, heldCount, holdExpired, inputEnded, window, out);
      return;
    }
    score(key, event.record(), current, modelsState, out);
  }

  @OnTimer("holdExpired")
  public void onHoldExpired(
      @Key KV<String, Integer> key,
      @StateId("held") BagState<T> held,
      @StateId("heldCount") ValueState<Integer> heldCount,
      MultiOutputReceiver out) {
    unserveHeld(key, held, heldCount, "no model arrived within " + config.noModelPolicy.getMaxHoldTime(), out);
  }

  @OnTimer("inputEnded")
  public void onInputEnded(
      @Key KV<String, Integer> key,
      @StateId("held") BagState<T> held,
      @StateId("heldCount") ValueState<Integer> heldCount,
      MultiOutputReceiver out) {
    unserveHeld(key, held, heldCount, "the input ended before any model arrived", out);
  }

  /** Loads a new model and makes it current; returns false if it was rejected or already current. */
  private boolean install(
      KV<String, Integer> key,
      ModelDescriptor model,
      ValueState<ModelSlots> slotsState,
      MapState<String, ModelDescriptor> modelsState,
      MultiOutputReceiver out) {
    ModelSlots slots = slotsState.read();
    if (slots == null) {
      slots = ModelSlots.empty();
    }
    ModelRef current = slots.get(ModelSlots.CURRENT);
    if (current != null && current.uuid.equals(model.getUuid()) && !failedUuids.containsKey(current.uuid)) {
      return false; // already serving it (a replay); a current model that failed to restore is retried
    }
    Scorer scorer = scorers.get(model.getUuid());
    if (scorer == null) {
      try {
        if (current != null && isOlder(model, current)) {
          throw new ModelLoadException("it is older than the model it would replace, " + current
              + " (created " + current.createdAtMillis + ", this one " + model.getCreatedAtMillis()
              + "): models arriving out of order are not swapped in; publish it again to roll back to it");
        }
        scorer = load(model);
        failedUuids.remove(model.getUuid());
      } catch (ModelLoadException e) {
        if (key.getValue() == 0) {
          LOG.warn("Rejected model {}: {} (still serving {})",
              ModelDescriptors.describe(model), e.getMessage(), current == null ? "nothing" : current);
          metrics.inc(key.getKey(), ServingMetrics.MODEL_LOAD_FAILURES);
          out.get(rejected).output(RejectedModel.of(model, e.getMessage()));
        }
        return false;
      }
      metrics.inc(key.getKey(), ServingMetrics.MODEL_LOADS);
      scorers.put(model.getUuid(), scorer);
    }
    if (current != null) {
      ModelDescriptor previous = modelsState.get(ModelSlots.CURRENT).read();
      if (previous != null) {
        modelsState.put(ModelSlots.PREVIOUS, previous);
      }
    }
    modelsState.put(ModelSlots.CURRENT, model);
    slotsState.write(slots.promote(ModelRef.of(model)));
    serveWith(key, model.getUuid());
    if (key.getValue() == 0) {
      LOG.info("Data type '{}' is now served by {} (was {})",
          key.getKey(), ModelDescriptors.describe(model), current == null ? "nothing" : current);
    }
    return true;
  }

  private Scorer load(ModelDescriptor model) throws ModelLoadException {
    return ModelFormats.load(model, config.recordFields);
  }

  /** True if both creation times are known and {@code model} was created before {@code current}. */
  private static boolean isOlder(ModelDescriptor model, ModelRef current) {
    return model.getCreatedAtMillis() > 0 && current.createdAtMillis > 0
        && model.getCreatedAtMillis() < current.createdAtMillis;
  }

  /** Points a key at a model uuid and closes the scorer no key of this instance uses any more. */
  private void serveWith(KV<String, Integer> key, String uuid) {
    String old = servedUuid.put(key, uuid);
    if (old != null && !old.equals(uuid) && !servedUuid.containsValue(old)) {
      Scorer retired = scorers.remove(old);
      if (retired != null) {
        retired.close();
      }
    }
  }

  private void score(
      KV<String, Integer> key,
      T record,
      ModelRef ref,
      MapState<String, ModelDescriptor> modelsState,
      MultiOutputReceiver out) {
    String dataType = key.getKey();
    Scorer scorer = scorerFor(key, ref, modelsState);
    if (scorer == null) {
      emitUnserved(dataType, record,
          "model " + ref + " could not be loaded from state: " + failedUuids.get(ref.uuid), out);
      return;
    }
    Features features;
    try {
      features = config.featureExtractor.apply(record);
    } catch (RuntimeException e) {
      deadLetter(dataType, record, DeadLetter.Stage.FEATURES, "cannot extract features: " + e, out);
      return;
    }
    if (features == null) {
      // Otherwise the model would be blamed (stage SCORE) for the extractor's NullPointerException.
      deadLetter(dataType, record, DeadLetter.Stage.FEATURES,
          "the feature extractor returned null instead of Features", out);
      return;
    }
    long start = System.nanoTime();
    ModelOutput result;
    try {
      result = scorer.score(features);
    } catch (InvalidRecordException e) {
      deadLetter(dataType, record, DeadLetter.Stage.SCORE,
          e.getMessage() + " (model " + ref + ")", out);
      return;
    } catch (RuntimeException e) {
      deadLetter(dataType, record, DeadLetter.Stage.SCORE,
          "model " + ref + " failed on this record: " + e, out);
      return;
    }
    long latency = System.nanoTime() - start;
    if (result == null) {
      deadLetter(dataType, record, DeadLetter.Stage.SCORE, "model " + ref + " gave no output for this record", out);
      return;
    }
    metrics.inc(dataType, ServingMetrics.SCORED);
    out.get(scored).output(new ScoredRecord<>(
        record, dataType, result, ref.name, ref.version, ref.uuid, ref.format, DECISION_CURRENT,
        System.currentTimeMillis(), latency));
  }

  private Scorer scorerFor(KV<String, Integer> key, ModelRef ref, MapState<String, ModelDescriptor> modelsState) {
    Scorer scorer = scorers.get(ref.uuid);
    if (scorer != null) {
      if (!ref.uuid.equals(servedUuid.get(key))) {
        serveWith(key, ref.uuid);
      }
      return scorer;
    }
    if (failedUuids.containsKey(ref.uuid)) {
      return null;
    }
    ModelDescriptor model = modelsState.get(ModelSlots.CURRENT).read();
    try {
      if (model == null || !model.getUuid().equals(ref.uuid)) {
        throw new ModelLoadException("the model bytes are missing from state");
      }
      scorer = load(model);
    } catch (ModelLoadException e) {
      LOG.error("Cannot restore model {} for {}: {}", ref, key, e.getMessage());
      failedUuids.put(ref.uuid, e.getMessage());
      return null;
    }
    metrics.inc(key.getKey(), ServingMetrics.MODEL_LOADS);
    scorers.put(ref.uuid, scorer);
    serveWith(key, ref.uuid);
    return scorer;
  }

  private void noModelYet(
      KV<String, Integer> key,
      T record,
      BagState<T> held,
      ValueState<Integer> heldCount,
      Timer holdExpired,
      Timer inputEnded,
      BoundedWindow window,
      MultiOutputReceiver out) {
    NoModelPolicy policy = config.noModelPolicy;
    if (!policy.holds()) {
      emitUnserved(key.getKey(), record, "no model has arrived for data type '" + key.getKey() + "'", out);
      return;
    }
    Integer count = heldCount.read();
    int n = count == null ? 0 : count;
    if (n >= policy.getMaxHeldRecords()) {
      emitUnserved(key.getKey(), record,
          "no model has arrived for data type '" + key.getKey() + "' and " + n
              + " records are already held (the limit)", out);
      return;
    }
    if (n == 0) {
      holdExpired.offset(policy.getMaxHoldTime()).setRelative();
      inputEnded.set(window.maxTimestamp());
    }
    held.add(record);
    heldCount.write(n + 1);
  }

  /** Scores the records held for this key; returns false if there were none. */
  private boolean releaseHeld(
      KV<String, Integer> key,
      ValueState<ModelSlots> slotsState,
      MapState<String, ModelDescriptor> modelsState,
      BagState<T> held,
      ValueState<Integer> heldCount,
      MultiOutputReceiver out) {
    if (heldCount.read() == null) {
      return false;
    }
    ModelRef current = slotsState.read().get(ModelSlots.CURRENT);
    for (T record : held.read()) {
      score(key, record, current, modelsState, out);
    }
    held.clear();
    heldCount.clear();
    return true;
  }

  private void unserveHeld(
      KV<String, Integer> key, BagState<T> held, ValueState<Integer> heldCount, String reason,
      MultiOutputReceiver out) {
    if (heldCount.read() == null) {
      return;
    }
    for (T record : held.read()) {
      emitUnserved(key.getKey(), record, reason, out);
    }
    held.clear();
    heldCount.clear();
  }

  private void deadLetter(
      String dataType, T record, DeadLetter.Stage stage, String reason, MultiOutputReceiver out) {
    metrics.inc(dataType, ServingMetrics.DEAD_LETTERED);
    out.get(deadLetters).output(DeadLetter.now(config.payloadOf(record), dataType, stage, reason));
  }

  private void emitUnserved(String dataType, T record, String reason, MultiOutputReceiver out) {
    metrics.inc(dataType, ServingMetrics.UNSERVED);
    out.get(unserved)
        .output(DeadLetter.now(config.payloadOf(record), dataType, DeadLetter.Stage.UNSERVED, reason));
  }
}

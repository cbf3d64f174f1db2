package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.serving.cache.ModelCache;
import dev.modelserving.beam.serving.cache.ModelLoad;
import dev.modelserving.beam.status.ModelSetChange;
import dev.modelserving.beam.status.ModelStatusEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broadcast mode: keeps the model set of every data type in state (current and previous version
 * of each name, and the routing), applies each model message to it, and emits the resulting {@link
 * ModelSetSnapshot} for the side input, so that every worker only ever receives models that load.
 * A model older than the current one of its name, one that does not load, one that reads fields
 * the records do not have, one past the set's size limit, and an impossible rollback are rejected
 * with the reason; the set stays as it was. The test load runs on the model stream, off the serving
 * path, and leaves the model in this JVM's cache.
 */
final class AdmitModelsFn extends DoFn<KV<String, ModelDescriptor>, ModelSetSnapshot> {
  private static final Logger LOG = LoggerFactory.getLogger(AdmitModelsFn.class);

  private final ServingConfig<?> config;
  private final TupleTag<ModelSetSnapshot> admitted;
  private final TupleTag<RejectedModel> rejected;
  private final TupleTag<ModelStatusEvent> status;

  @StateId("slots")
  private final StateSpec<ValueState<ModelSlots>> slotsSpec = StateSpecs.value(ModelSlotsCoder.of());

  @StateId("models")
  private final StateSpec<MapState<String, ModelDescriptor>> modelsSpec =
      StateSpecs.map(StringUtf8Coder.of(), ModelDescriptorCoder.of());

  @StateId("routing")
  private final StateSpec<ValueState<Routing>> routingSpec = StateSpecs.value(RoutingCoder.of());

  @StateId("sequence")
  private final StateSpec<ValueState<Long>> sequenceSpec = StateSpecs.value(VarLongCoder.of());

  private transient ModelCache cache;
  private transient ServingMetrics metrics;

  AdmitModelsFn(ServingConfig<?> config, TupleTag<ModelSetSnapshot> admitted, TupleTag<RejectedModel> rejected,
      TupleTag<ModelStatusEvent> status) {
    this.config = config;
    this.admitted = admitted;
    this.rejected = rejected;
    this.status = status;
  }

  @Setup
  public void setup() {
    cache = ModelCache.shared().join(config.maxLoadedModels);
    metrics = new ServingMetrics();
  }

  @Teardown
  public void teardown() {
    if (cache != null) {
      cache.leave();
    }
  }

  @ProcessElement
  public void process(
      @Element KV<String, ModelDescriptor> element,
      @StateId("slots") ValueState<ModelSlots> slots,
      @StateId("models") MapState<String, ModelDescriptor> descriptors,
      @StateId("routing") ValueState<Routing> routing,
      @StateId("sequence") ValueState<Long> sequence,
      MultiOutputReceiver out) {
    ModelDescriptor message = element.getValue();
    KeyedModelState set = new KeyedModelState(slots, descriptors, routing);
    ModelRef before = message.getName().isEmpty() ? null : set.slots().current(message.getName());
    String refusal;
    ModelSetChange.Kind kind;
    switch (message.getAction()) {
      case REMOVE:
        refusal = remove(set, message);
        kind = ModelSetChange.Kind.REMOVED;
        break;
      case ROLLBACK:
        refusal = rollback(set, message);
        kind = ModelSetChange.Kind.ROLLED_BACK;
        break;
      case ROUTE:
        set.setRouting(message.getRouting());
        refusal = "";
        kind = ModelSetChange.Kind.ROUTED;
        break;
      default:
        refusal = add(set, message);
        kind = before == null ? ModelSetChange.Kind.ADDED : ModelSetChange.Kind.REPLACED;
    }
    if (refusal == null) {
      return;
    }
    if (!refusal.isEmpty()) {
      LOG.warn("Rejected {}: {}", ModelDescriptors.describe(message), refusal);
      out.get(rejected).output(RejectedModel.of(message, refusal));
      return;
    }
    long next = sequence.read() == null ? 0 : sequence.read() + 1;
    sequence.write(next);
    List<ModelDescriptor> current = new ArrayList<>();
    for (ModelRef ref : set.slots().currentModels()) {
      current.add(set.descriptor(ref.uuid));
    }
    LOG.info("Data type '{}': {}; broadcasting its set {}", element.getKey(), ModelDescriptors.describe(message),
        set.slots().names());
    out.get(admitted).output(new ModelSetSnapshot(element.getKey(), next, current, set.routing()));
    report(element.getKey(), kind, before, set, next, out);
  }

  /**
   * Counts a model that became current, and reports the set to the status stream, numbered: this
   * step sees every change of a data type once, so broadcast mode reports changes here, when they
   * are admitted (workers switch as the side input reaches them, some milliseconds later).
   */
  private void report(String dataType, ModelSetChange.Kind kind, ModelRef before, KeyedModelState set, long sequence,
      MultiOutputReceiver out) {
    ModelRef subject = kind == ModelSetChange.Kind.ROUTED ? null
        : kind == ModelSetChange.Kind.REMOVED ? before
        : set.slots().newest();
    if (kind != ModelSetChange.Kind.ROUTED && kind != ModelSetChange.Kind.REMOVED && subject != null) {
      metrics.of(dataType).model(subject).swaps.inc();
    }
    if (config.modelStatus) {
      out.get(status).output(ModelStatusEvent.of(StatusEvents.change(config, cache, dataType, kind, subject,
          set.slots().currentModels(), set.routing(), sequence)));
    }
  }

  /** Null: nothing changed; "": applied; otherwise the reason the message is refused. */
  private String add(KeyedModelState set, ModelDescriptor model) {
    ModelRef current = set.slots().current(model.getName());
    if (current != null && current.is(model)) {
      return null;
    }
    String refusal = SetRules.older(model, current);
    if (refusal == null && current == null) {
      refusal = SetRules.full(model.getDataType(), set.slots(), set.slots().names().size(), config.maxModelsPerDataType);
    }
    if (refusal != null) {
      return refusal;
    }
    ModelLoad load = cache.load(model, config.guard);
    load.await(KeyedServing.LOAD_WAIT);
    if (load.claimOutcome() && load.isReady()) {
      metrics.of(model.getDataType()).modelLoads.inc();
      metrics.of(model.getDataType()).model(ModelRef.of(model)).loads.inc();
    }
    if (!load.isReady()) {
      return load.isFailed() ? load.failure() : "it did not load within " + KeyedServing.LOAD_WAIT;
    }
    String mismatch = config.fieldMismatch(load.model().scorer());
    if (mismatch != null) {
      return mismatch;
    }
    set.addCandidate(model);
    set.promote(model.getUuid());
    return "";
  }

  private static String remove(KeyedModelState set, ModelDescriptor message) {
    if (set.slots().current(message.getName()) == null) {
      LOG.info("Data type '{}' has no model '{}' to remove; nothing changes", message.getDataType(), message.getName());
      return null;
    }
    set.remove(message.getName());
    return "";
  }

  private static String rollback(KeyedModelState set, ModelDescriptor message) {
    String refusal = SetRules.rollback(set.slots(), message);
    if (refusal != null) {
      return refusal.equals(SetRules.UNCHANGED) ? null : refusal;
    }
    set.rollback(message.getName());
    return "";
  }
}

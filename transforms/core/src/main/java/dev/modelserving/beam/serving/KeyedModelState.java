package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.Routing;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.ValueState;

/**
 * The model set of one serving key in Beam state: the {@link ModelSlots} index, read by every
 * batch; each model's descriptor with its bytes under its uuid, read only to (re)load it; and the
 * data type's latest routing. Bytes are dropped as soon as no slot names their model.
 */
final class KeyedModelState {
  private final ValueState<ModelSlots> slotsState;
  private final MapState<String, ModelDescriptor> descriptors;
  private final ValueState<Routing> routingState;
  private ModelSlots slots;
  private Routing routing;

  KeyedModelState(ValueState<ModelSlots> slotsState, MapState<String, ModelDescriptor> descriptors,
      ValueState<Routing> routingState) {
    this.slotsState = slotsState;
    this.descriptors = descriptors;
    this.routingState = routingState;
  }

  /** The slots, read once per call. */
  ModelSlots slots() {
    if (slots == null) {
      ModelSlots read = slotsState.read();
      slots = read == null ? ModelSlots.empty() : read;
    }
    return slots;
  }

  /** The latest routing (empty if none arrived), read once per call. */
  Routing routing() {
    if (routing == null) {
      Routing read = routingState.read();
      routing = read == null ? Routing.getDefaultInstance() : read;
    }
    return routing;
  }

  void setRouting(Routing next) {
    routing = next;
    routingState.write(next);
  }

  /** The stored descriptor (with bytes) of a model a slot names, or null if it is missing. */
  ModelDescriptor descriptor(String uuid) {
    return descriptors.get(uuid).read();
  }

  /** Adds {@code model} as the newest candidate, with its bytes. */
  void addCandidate(ModelDescriptor model) {
    descriptors.put(model.getUuid(), model);
    write(slots().withCandidate(ModelRef.of(model)));
  }

  /** Makes candidate {@code uuid} the current version of its name; the one before becomes previous. */
  void promote(String uuid) {
    write(slots().promote(uuid));
  }

  /** Swaps the current and previous versions of model {@code name}. */
  void rollback(String name) {
    write(slots().rollback(name));
  }

  /** Forgets model {@code name}, its previous version and candidates. */
  void remove(String name) {
    write(slots().remove(name));
  }

  /** Forgets candidate {@code uuid} (it failed to load, or a newer model serves). */
  void dropCandidate(String uuid) {
    write(slots().withoutCandidate(uuid));
  }

  private void write(ModelSlots next) {
    for (String uuid : slots().uuids()) {
      if (!next.uuids().contains(uuid)) {
        descriptors.remove(uuid);
      }
    }
    slots = next;
    slotsState.write(next);
  }
}

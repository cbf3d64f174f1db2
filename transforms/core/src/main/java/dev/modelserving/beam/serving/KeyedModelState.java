package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.ValueState;

/**
 * The models of one serving key in Beam state: the {@link ModelSlots} index, read by every batch,
 * and each model's descriptor with its bytes under its uuid, read only to (re)load it. Bytes are
 * dropped as soon as no slot names their model.
 */
final class KeyedModelState {
  private final ValueState<ModelSlots> slotsState;
  private final MapState<String, ModelDescriptor> descriptors;
  private ModelSlots slots;

  KeyedModelState(ValueState<ModelSlots> slotsState, MapState<String, ModelDescriptor> descriptors) {
    this.slotsState = slotsState;
    this.descriptors = descriptors;
  }

  /** The slots, read once per call. */
  ModelSlots slots() {
    if (slots == null) {
      ModelSlots read = slotsState.read();
      slots = read == null ? ModelSlots.empty() : read;
    }
    return slots;
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

  /** Makes candidate {@code uuid} current; the current model becomes previous. */
  void promote(String uuid) {
    write(slots().promote(uuid));
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

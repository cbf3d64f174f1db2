package dev.modelserving.beam.serving;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The small per-key index of models, by slot: {@link #CURRENT} (scores records), {@link #PREVIOUS}
 * (kept for rollback) and candidates (arrived, loading or not yet promoted), in arrival order under
 * {@value #CANDIDATE_PREFIX}{@code <uuid>}. This is what a batch reads; the model bytes live in a
 * separate map state under the model's uuid, once per model however many slots name it.
 */
final class ModelSlots implements Serializable {
  private static final long serialVersionUID = 3L;

  static final String CURRENT = "current";
  static final String PREVIOUS = "previous";
  static final String CANDIDATE_PREFIX = "candidate/";

  private static final ModelSlots EMPTY = new ModelSlots(Collections.emptyMap());

  private final Map<String, ModelRef> slots;

  private ModelSlots(Map<String, ModelRef> slots) {
    this.slots = slots;
  }

  static ModelSlots empty() {
    return EMPTY;
  }

  static ModelSlots of(Map<String, ModelRef> slots) {
    return new ModelSlots(Collections.unmodifiableMap(new LinkedHashMap<>(slots)));
  }

  ModelRef get(String slot) {
    return slots.get(slot);
  }

  ModelRef current() {
    return slots.get(CURRENT);
  }

  ModelRef previous() {
    return slots.get(PREVIOUS);
  }

  /** The candidates, in arrival order. */
  List<ModelRef> candidates() {
    List<ModelRef> candidates = new ArrayList<>(2);
    for (Map.Entry<String, ModelRef> e : slots.entrySet()) {
      if (e.getKey().startsWith(CANDIDATE_PREFIX)) {
        candidates.add(e.getValue());
      }
    }
    return candidates;
  }

  boolean hasCandidates() {
    for (String slot : slots.keySet()) {
      if (slot.startsWith(CANDIDATE_PREFIX)) {
        return true;
      }
    }
    return false;
  }

  /** True if the model is current or a candidate. */
  boolean knows(String uuid) {
    ModelRef current = current();
    return (current != null && current.uuid.equals(uuid)) || slots.containsKey(CANDIDATE_PREFIX + uuid);
  }

  /** A copy with {@code ref} as the newest candidate. */
  ModelSlots withCandidate(ModelRef ref) {
    Map<String, ModelRef> next = new LinkedHashMap<>(slots);
    next.put(CANDIDATE_PREFIX + ref.uuid, ref);
    return of(next);
  }

  /** A copy without the candidate {@code uuid}. */
  ModelSlots withoutCandidate(String uuid) {
    Map<String, ModelRef> next = new LinkedHashMap<>(slots);
    next.remove(CANDIDATE_PREFIX + uuid);
    return of(next);
  }

  /** A copy where candidate {@code uuid} is current and the current model previous. */
  ModelSlots promote(String uuid) {
    ModelRef candidate = slots.get(CANDIDATE_PREFIX + uuid);
    if (candidate == null) {
      throw new IllegalStateException("no candidate " + uuid + " to promote");
    }
    Map<String, ModelRef> next = new LinkedHashMap<>(slots);
    next.remove(CANDIDATE_PREFIX + uuid);
    ModelRef current = current();
    if (current != null) {
      next.put(PREVIOUS, current);
    }
    next.put(CURRENT, candidate);
    return of(next);
  }

  /** The uuids some slot names: the models whose bytes must stay in state. */
  Set<String> uuids() {
    Set<String> uuids = new LinkedHashSet<>();
    for (ModelRef ref : slots.values()) {
      uuids.add(ref.uuid);
    }
    return uuids;
  }

  Map<String, ModelRef> asMap() {
    return slots;
  }

  boolean isEmpty() {
    return slots.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelSlots && slots.equals(((ModelSlots) o).slots);
  }

  @Override
  public int hashCode() {
    return slots.hashCode();
  }

  @Override
  public String toString() {
    return slots.toString();
  }
}

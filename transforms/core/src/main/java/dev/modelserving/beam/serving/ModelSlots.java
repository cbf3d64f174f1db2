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
 * The small per-key index of a data type's model set, by slot: {@value #CURRENT_PREFIX}{@code
 * <name>} (the version of model {@code name} that serves), {@value #PREVIOUS_PREFIX}{@code <name>}
 * (its version before, kept for a rollback) and {@value #CANDIDATE_PREFIX}{@code <uuid>} (arrived,
 * loading or not yet promoted). Current slots are in the order their models took over, so the last
 * is the newest. This is what a batch reads; the model bytes live in a separate map state under
 * the model's uuid, once per model however many slots name it.
 */
final class ModelSlots implements Serializable {
  private static final long serialVersionUID = 4L;

  static final String CURRENT_PREFIX = "current/";
  static final String PREVIOUS_PREFIX = "previous/";
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

  /** The current version of model {@code name}, or null. */
  ModelRef current(String name) {
    return slots.get(CURRENT_PREFIX + name);
  }

  /** The version of model {@code name} before its current one, or null. */
  ModelRef previous(String name) {
    return slots.get(PREVIOUS_PREFIX + name);
  }

  /** The current models, oldest first: the last one took over last. */
  List<ModelRef> currentModels() {
    return withPrefix(CURRENT_PREFIX);
  }

  /** The names of the current models, oldest first. */
  List<String> names() {
    List<String> names = new ArrayList<>();
    for (ModelRef ref : currentModels()) {
      names.add(ref.name);
    }
    return names;
  }

  /** The newest current model, or null. */
  ModelRef newest() {
    List<ModelRef> current = currentModels();
    return current.isEmpty() ? null : current.get(current.size() - 1);
  }

  /** The candidates, in arrival order. */
  List<ModelRef> candidates() {
    return withPrefix(CANDIDATE_PREFIX);
  }

  boolean hasCandidates() {
    for (String slot : slots.keySet()) {
      if (slot.startsWith(CANDIDATE_PREFIX)) {
        return true;
      }
    }
    return false;
  }

  /** True if the model is the current version of its name or a candidate. */
  boolean knows(String uuid) {
    if (slots.containsKey(CANDIDATE_PREFIX + uuid)) {
      return true;
    }
    for (ModelRef ref : currentModels()) {
      if (ref.uuid.equals(uuid)) {
        return true;
      }
    }
    return false;
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

  /** A copy where candidate {@code uuid} is the current (and newest) version of its name; the one before becomes previous. */
  ModelSlots promote(String uuid) {
    ModelRef candidate = slots.get(CANDIDATE_PREFIX + uuid);
    if (candidate == null) {
      throw new IllegalStateException("no candidate " + uuid + " to promote");
    }
    Map<String, ModelRef> next = new LinkedHashMap<>(slots);
    next.remove(CANDIDATE_PREFIX + uuid);
    ModelRef current = next.remove(CURRENT_PREFIX + candidate.name);
    if (current != null) {
      next.put(PREVIOUS_PREFIX + candidate.name, current);
    }
    next.put(CURRENT_PREFIX + candidate.name, candidate);
    return of(next);
  }

  /** A copy where the previous version of {@code name} is current (and newest) and the current one previous. */
  ModelSlots rollback(String name) {
    ModelRef previous = previous(name);
    if (previous == null) {
      throw new IllegalStateException("model '" + name + "' has no previous version");
    }
    Map<String, ModelRef> next = new LinkedHashMap<>(slots);
    ModelRef current = next.remove(CURRENT_PREFIX + name);
    next.remove(PREVIOUS_PREFIX + name);
    if (current != null) {
      next.put(PREVIOUS_PREFIX + name, current);
    }
    next.put(CURRENT_PREFIX + name, previous);
    return of(next);
  }

  /** A copy without model {@code name}: its current and previous versions and its candidates. */
  ModelSlots remove(String name) {
    Map<String, ModelRef> next = new LinkedHashMap<>(slots);
    next.values().removeIf(ref -> ref.name.equals(name));
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

  private List<ModelRef> withPrefix(String prefix) {
    List<ModelRef> refs = new ArrayList<>(2);
    for (Map.Entry<String, ModelRef> e : slots.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        refs.add(e.getValue());
      }
    }
    return refs;
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

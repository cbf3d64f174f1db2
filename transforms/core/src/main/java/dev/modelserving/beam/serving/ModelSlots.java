package dev.modelserving.beam.serving;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small per-key index of served models, by slot ({@link #CURRENT}, {@link #PREVIOUS}, and
 * later candidates of serving policies). The model bytes live in a separate map state under the
 * same slot names, read only when a scorer must be (re)loaded.
 */
final class ModelSlots implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The model that scores records. */
  static final String CURRENT = "current";

  /** The model that served before the current one, kept for rollback. */
  static final String PREVIOUS = "previous";

  private final Map<String, ModelRef> slots;

  private ModelSlots(Map<String, ModelRef> slots) {
    this.slots = slots;
  }

  static ModelSlots empty() {
    return new ModelSlots(Collections.emptyMap());
  }

  ModelRef get(String slot) {
    return slots.get(slot);
  }

  /** A copy with {@code ref} as the current model and the old current one as previous. */
  ModelSlots promote(ModelRef ref) {
    Map<String, ModelRef> next = new LinkedHashMap<>(slots);
    ModelRef current = slots.get(CURRENT);
    if (current != null) {
      next.put(PREVIOUS, current);
    }
    next.put(CURRENT, ref);
    return new ModelSlots(next);
  }

  Map<String, ModelRef> asMap() {
    return Collections.unmodifiableMap(slots);
  }

  static ModelSlots of(Map<String, ModelRef> slots) {
    return new ModelSlots(new LinkedHashMap<>(slots));
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

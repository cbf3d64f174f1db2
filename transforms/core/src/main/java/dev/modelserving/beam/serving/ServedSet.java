package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.proto.Routing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models of one data type as one batch sees them: every model of the set by name (oldest
 * first), those the policy calls acquired from the JVM's cache, and the data type's routing.
 * {@link #release()} ends the batch's hold on the loaded models.
 */
final class ServedSet {
  private final List<String> names;
  private final Map<String, ServedModel> byName = new LinkedHashMap<>();
  private final Routing routing;

  ServedSet(List<String> names, Routing routing) {
    this.names = Collections.unmodifiableList(new ArrayList<>(names));
    this.routing = routing;
  }

  void put(ServedModel model) {
    byName.put(model.ref.name, model);
  }

  List<String> names() {
    return names;
  }

  Routing routing() {
    return routing;
  }

  /** The model called {@code name}, or null if the set has none. */
  ServedModel get(String name) {
    return byName.get(name);
  }

  void release() {
    for (ServedModel m : byName.values()) {
      if (m.model != null) {
        m.model.release();
      }
    }
  }
}

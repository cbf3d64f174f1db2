package dev.modelserving.beam.benchmarks.heap;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-JVM record of which model last scored each data type, by sightings name: the pipeline's
 * {@link SightModelsFn} writes, the suite that started it reads.
 */
public final class ModelSightings {
  private static final Map<String, Map<String, String>> SIGHTINGS = new ConcurrentHashMap<>();

  private ModelSightings() {}

  /** Opens an empty record under a new name. */
  public static String open() {
    String name = "sightings-" + System.nanoTime();
    SIGHTINGS.put(name, new ConcurrentHashMap<>());
    return name;
  }

  /** Data type to the name of the model that scored its latest record. */
  public static Map<String, String> of(String name) {
    Map<String, String> m = SIGHTINGS.get(name);
    if (m == null) {
      throw new IllegalArgumentException("no open model sightings named " + name);
    }
    return m;
  }

  /** Where {@link SightModelsFn} writes: the record, or a throwaway map once it is closed. */
  static Map<String, String> orDiscard(String name) {
    Map<String, String> m = SIGHTINGS.get(name);
    return m != null ? m : new ConcurrentHashMap<>();
  }

  /** Forgets the record. */
  public static void close(String name) {
    SIGHTINGS.remove(name);
  }
}

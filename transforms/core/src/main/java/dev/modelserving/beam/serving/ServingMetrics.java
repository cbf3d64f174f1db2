package dev.modelserving.beam.serving;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * Beam counters per data type, in namespace {@value #NAMESPACE}, named {@code <dataType>/<event>}:
 * {@value #RECEIVED}, {@value #SCORED}, {@value #DEAD_LETTERED}, {@value #UNSERVED}, {@value
 * #MODEL_LOADS} and {@value #MODEL_LOAD_FAILURES}. Records of no known data type count under
 * {@value #UNKNOWN_TYPE}. Counters are created once per DoFn instance, not per record.
 */
public final class ServingMetrics {
  public static final String NAMESPACE = "model-serving";
  public static final String RECEIVED = "received";
  public static final String SCORED = "scored";
  public static final String DEAD_LETTERED = "dead-lettered";
  public static final String UNSERVED = "unserved";
  public static final String MODEL_LOADS = "model-loads";
  public static final String MODEL_LOAD_FAILURES = "model-load-failures";
  public static final String UNKNOWN_TYPE = "unknown";

  private final Map<String, Counter> counters = new HashMap<>();

  /** The counter name for an event of a data type. */
  public static String name(String dataType, String event) {
    return (dataType == null || dataType.isEmpty() ? UNKNOWN_TYPE : dataType) + "/" + event;
  }

  /** Adds one to the counter of {@code event} for {@code dataType}. */
  public void inc(String dataType, String event) {
    counters.computeIfAbsent(name(dataType, event), n -> Metrics.counter(NAMESPACE, n)).inc();
  }
}

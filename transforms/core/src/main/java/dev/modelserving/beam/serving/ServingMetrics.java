package dev.modelserving.beam.serving;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * Beam counters per data type, in namespace {@value #NAMESPACE}, named {@code <dataType>/<event>}:
 * {@value #RECEIVED}, {@value #SCORED}, {@value #DEAD_LETTERED}, {@value #UNSERVED}, {@value
 * #MODEL_LOADS} and {@value #MODEL_LOAD_FAILURES}; plus {@value #BATCHES}, the model calls. Records
 * of no known data type count under {@value #UNKNOWN_TYPE}.
 *
 * <p>The counters of a data type are looked up once per DoFn instance and incremented by counts
 * per batch: no metric name is built per record. {@value #MODEL_LOADS} counts the loads this JVM
 * actually made, once per model however many keys serve it.
 */
public final class ServingMetrics {
  public static final String NAMESPACE = "model-serving";
  public static final String RECEIVED = "received";
  public static final String SCORED = "scored";
  public static final String DEAD_LETTERED = "dead-lettered";
  public static final String UNSERVED = "unserved";
  public static final String MODEL_LOADS = "model-loads";
  public static final String MODEL_LOAD_FAILURES = "model-load-failures";
  public static final String BATCHES = "batches";
  public static final String UNKNOWN_TYPE = "unknown";

  private final Map<String, DataTypeCounters> byDataType = new HashMap<>();

  /** The counter name for an event of a data type. */
  public static String name(String dataType, String event) {
    return (dataType == null || dataType.isEmpty() ? UNKNOWN_TYPE : dataType) + "/" + event;
  }

  /** The counters of one data type (null or empty: {@value #UNKNOWN_TYPE}). */
  public DataTypeCounters of(String dataType) {
    String key = dataType == null || dataType.isEmpty() ? UNKNOWN_TYPE : dataType;
    DataTypeCounters c = byDataType.get(key);
    if (c == null) {
      c = new DataTypeCounters(key);
      byDataType.put(key, c);
    }
    return c;
  }

  /** Adds one to the counter of {@code event} for {@code dataType}. */
  public void inc(String dataType, String event) {
    of(dataType).counter(event).inc();
  }

  /** The counters of one data type, created once. */
  public static final class DataTypeCounters {
    final Counter received;
    final Counter scored;
    final Counter deadLettered;
    final Counter unserved;
    final Counter modelLoads;
    final Counter modelLoadFailures;
    final Counter batches;

    private DataTypeCounters(String dataType) {
      received = counter(dataType, RECEIVED);
      scored = counter(dataType, SCORED);
      deadLettered = counter(dataType, DEAD_LETTERED);
      unserved = counter(dataType, UNSERVED);
      modelLoads = counter(dataType, MODEL_LOADS);
      modelLoadFailures = counter(dataType, MODEL_LOAD_FAILURES);
      batches = counter(dataType, BATCHES);
    }

    private static Counter counter(String dataType, String event) {
      return Metrics.counter(NAMESPACE, dataType + "/" + event);
    }

    Counter counter(String event) {
      switch (event) {
        case RECEIVED:
          return received;
        case SCORED:
          return scored;
        case DEAD_LETTERED:
          return deadLettered;
        case UNSERVED:
          return unserved;
        case MODEL_LOADS:
          return modelLoads;
        case MODEL_LOAD_FAILURES:
          return modelLoadFailures;
        case BATCHES:
          return batches;
        default:
          throw new IllegalArgumentException("unknown serving event '" + event + "'");
      }
    }
  }
}

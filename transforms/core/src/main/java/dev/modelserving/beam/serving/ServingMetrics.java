package dev.modelserving.beam.serving;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * Beam counters per data type, in namespace {@value #NAMESPACE}, named {@code <dataType>/<event>}:
 * {@value #RECEIVED}, {@value #SCORED}, {@value #DEAD_LETTERED}, {@value #UNSERVED}, {@value
 * #MODEL_LOADS} and {@value #MODEL_LOAD_FAILURES}; plus {@value #BATCHES}, the model calls. Records
 * of no known data type count under {@value #UNKNOWN_TYPE}.
 *
 * <p>Every model also has counters named {@code <dataType>/<model>@<version>/<event>}, under every
 * policy: {@value #MODEL_SCORED} (records it answered), {@value #MODEL_DEAD_LETTERED} (records it
 * failed on that went to the dead letters), {@value #LOADS}, {@value #LOAD_FAILURES} (it was
 * rejected), {@value #SWAPS} (it became current: added, replaced its previous version,
 * or rolled back to; once per data type, not per shard), and the distribution {@value
 * #MODEL_LATENCY} of its model calls' durations in microseconds. Under a policy other than {@code
 * current} also {@value #MODEL_WON}, {@value #MODEL_LOST}, {@value #MODEL_TIMED_OUT}, {@value
 * #MODEL_FAILED}, {@value #MODEL_SKIPPED}, {@value #SHADOW_AGREED} and {@value #SHADOW_DISAGREED}.
 *
 * <p>Metric objects are created once per DoFn instance. Scored records and model calls are counted
 * once per batch, by counts (a dead letter counts itself): no metric name is built per record.
 * {@value #MODEL_LOADS} and {@value #LOADS} count the loads this JVM actually made, once per model
 * however many keys serve it.
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
  public static final String REVIEW = "review";
  public static final String MODEL_SCORED = "scored";
  public static final String MODEL_WON = "won";
  public static final String MODEL_LOST = "lost";
  public static final String MODEL_TIMED_OUT = "timed-out";
  public static final String MODEL_FAILED = "failed";
  public static final String MODEL_SKIPPED = "skipped";
  public static final String SHADOW_AGREED = "shadow-agreed";
  public static final String SHADOW_DISAGREED = "shadow-disagreed";
  public static final String MODEL_LATENCY = "latency-micros";
  public static final String MODEL_DEAD_LETTERED = "dead-lettered";
  /** A model's loads (its {@code <dataType>/<model>@<version>/loads}); {@link #MODEL_LOADS} is the data type's. */
  public static final String LOADS = "loads";
  /** A model's rejections; {@link #MODEL_LOAD_FAILURES} is the data type's. */
  public static final String LOAD_FAILURES = "load-failures";
  public static final String SWAPS = "swaps";

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
    final Counter review;
    private final String dataType;
    private final Map<String, ModelCounters> byModel = new HashMap<>();

    private DataTypeCounters(String dataType) {
      this.dataType = dataType;
      review = counter(dataType, REVIEW);
      received = counter(dataType, RECEIVED);
      scored = counter(dataType, SCORED);
      deadLettered = counter(dataType, DEAD_LETTERED);
      unserved = counter(dataType, UNSERVED);
      modelLoads = counter(dataType, MODEL_LOADS);
      modelLoadFailures = counter(dataType, MODEL_LOAD_FAILURES);
      batches = counter(dataType, BATCHES);
    }

    /** The counters of one model (by uuid), created once. */
    ModelCounters model(ModelRef ref) {
      return model(ref.name, ref.version, ref.uuid);
    }

    /** The counters of one model, by uuid (by name and version if it has none), created once. */
    ModelCounters model(String name, String version, String uuid) {
      String key = uuid == null || uuid.isEmpty() ? name + "@" + version : uuid;
      ModelCounters c = byModel.get(key);
      if (c == null) {
        c = new ModelCounters(dataType + "/" + name + "@" + version);
        byModel.put(key, c);
      }
      return c;
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
        case REVIEW:
          return review;
        default:
          throw new IllegalArgumentException("unknown serving event '" + event + "'");
      }
    }
  }

  /** The counters and latency distribution of one model of a data type. */
  static final class ModelCounters {
    final Counter scored;
    final Counter deadLettered;
    final Counter loads;
    final Counter loadFailures;
    final Counter swaps;
    final Counter won;
    final Counter lost;
    final Counter timedOut;
    final Counter failed;
    final Counter skipped;
    final Counter shadowAgreed;
    final Counter shadowDisagreed;
    final Distribution latencyMicros;

    private ModelCounters(String prefix) {
      scored = DataTypeCounters.counter(prefix, MODEL_SCORED);
      deadLettered = DataTypeCounters.counter(prefix, MODEL_DEAD_LETTERED);
      loads = DataTypeCounters.counter(prefix, LOADS);
      loadFailures = DataTypeCounters.counter(prefix, LOAD_FAILURES);
      swaps = DataTypeCounters.counter(prefix, SWAPS);
      won = DataTypeCounters.counter(prefix, MODEL_WON);
      lost = DataTypeCounters.counter(prefix, MODEL_LOST);
      timedOut = DataTypeCounters.counter(prefix, MODEL_TIMED_OUT);
      failed = DataTypeCounters.counter(prefix, MODEL_FAILED);
      skipped = DataTypeCounters.counter(prefix, MODEL_SKIPPED);
      shadowAgreed = DataTypeCounters.counter(prefix, SHADOW_AGREED);
      shadowDisagreed = DataTypeCounters.counter(prefix, SHADOW_DISAGREED);
      latencyMicros = Metrics.distribution(NAMESPACE, prefix + "/" + MODEL_LATENCY);
    }
  }
}

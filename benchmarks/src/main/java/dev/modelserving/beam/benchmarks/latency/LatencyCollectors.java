package dev.modelserving.beam.benchmarks.latency;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Per-JVM latency collectors, by name: the pipeline's DoFns (running in the local Flink
 * mini-cluster, inside this JVM) record into the collector's current histogram, and the suite that
 * started the pipeline swaps in a fresh histogram when its measurement window opens and takes the
 * filled one when it closes.
 *
 * <pre>{@code
 * String name = LatencyCollectors.open();             // before the pipeline starts
 * ... warm-up ...
 * LatencyCollectors.restart(name);                    // the window opens
 * ... measured seconds ...
 * LatencyHistogram window = LatencyCollectors.restart(name);
 * LatencyCollectors.close(name);
 * }</pre>
 */
public final class LatencyCollectors {
  private static final Map<String, AtomicReference<LatencyHistogram>> COLLECTORS = new ConcurrentHashMap<>();
  private static final AtomicReference<LatencyHistogram> DISCARD = new AtomicReference<>(new LatencyHistogram());

  private LatencyCollectors() {}

  /** Opens a collector with a new unique name and an empty histogram. */
  public static String open() {
    String name = "latency-" + System.nanoTime() + "-" + COLLECTORS.size();
    COLLECTORS.put(name, new AtomicReference<>(new LatencyHistogram()));
    return name;
  }

  /** Replaces the collector's histogram with an empty one and returns the one it had. */
  public static LatencyHistogram restart(String name) {
    return slot(name).getAndSet(new LatencyHistogram());
  }

  /** The collector's current histogram (still being recorded into). */
  public static LatencyHistogram current(String name) {
    return slot(name).get();
  }

  /** Forgets the collector; later records go nowhere. */
  public static void close(String name) {
    COLLECTORS.remove(name);
  }

  /**
   * Where a DoFn records: the collector's slot, or a discarding one when the collector is closed (a
   * cancelled pipeline may still process a few records).
   */
  static AtomicReference<LatencyHistogram> slotOrDiscard(String name) {
    AtomicReference<LatencyHistogram> slot = COLLECTORS.get(name);
    return slot != null ? slot : DISCARD;
  }

  private static AtomicReference<LatencyHistogram> slot(String name) {
    AtomicReference<LatencyHistogram> slot = COLLECTORS.get(name);
    if (slot == null) {
      throw new IllegalArgumentException("no open latency collector named " + name);
    }
    return slot;
  }
}

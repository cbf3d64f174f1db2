package dev.modelserving.beam.benchmarks.latency;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-JVM gates by name: a {@link PacedSequence} with a gate emits nothing until the gate is
 * opened, so a suite can start a pipeline, measure it idle, and then let its input flow.
 */
public final class Gates {
  private static final Set<String> OPEN = ConcurrentHashMap.newKeySet();

  private Gates() {}

  /** A new closed gate's name. */
  public static String newGate() {
    return "gate-" + System.nanoTime();
  }

  /** Opens the gate. */
  public static void open(String gate) {
    OPEN.add(gate);
  }

  /** Whether the gate is open; a null gate always is. */
  public static boolean isOpen(String gate) {
    return gate == null || OPEN.contains(gate);
  }

  /** Forgets the gate (it is closed again). */
  public static void remove(String gate) {
    OPEN.remove(gate);
  }
}

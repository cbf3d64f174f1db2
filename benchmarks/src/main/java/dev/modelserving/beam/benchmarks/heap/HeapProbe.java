package dev.modelserving.beam.benchmarks.heap;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Heap in use after full garbage collections, as {@link MemoryMXBean} reports it. */
public final class HeapProbe {
  private HeapProbe() {}

  /**
   * The heap used after {@code System.gc()}, in MiB: the lowest of three readings, each after a
   * collection and a short pause (a running pipeline keeps allocating between them).
   */
  public static double usedAfterGcMiB() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long lowest = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
      lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
    }
    return lowest / (1024.0 * 1024.0);
  }
}

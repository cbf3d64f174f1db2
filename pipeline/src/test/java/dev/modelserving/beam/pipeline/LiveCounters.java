package dev.modelserving.beam.pipeline;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;

/** The serving counters of a running pipeline, in tests. */
final class LiveCounters {
  private LiveCounters() {}

  /**
   * Live metrics lag the outputs by a bundle: waits (up to 60 s) until {@code event} reaches {@code
   * expected}, then a second more for the other counters of the last bundle, and returns them all.
   */
  static Map<String, Long> await(PipelineResult result, String event, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Map<String, Long> counters = ServingReport.counters(result);
    while (ServingReport.sum(counters, event) < expected && System.nanoTime() < deadline) {
      Thread.sleep(250);
      counters = ServingReport.counters(result);
    }
    Thread.sleep(1000);
    return ServingReport.counters(result);
  }
}

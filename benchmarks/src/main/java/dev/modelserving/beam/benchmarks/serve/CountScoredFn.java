package dev.modelserving.beam.benchmarks.serve;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * The end of a throughput pipeline: counts what reaches it in the Beam counter {@value
 * #NAMESPACE}/{@value #SCORED} and drops it, so the figure includes producing every output record
 * but no sink.
 */
public final class CountScoredFn<T> extends DoFn<T, Void> {
  /** The counter's namespace and name. */
  public static final String NAMESPACE = "benchmarks";
  public static final String SCORED = "scored";

  private final Counter scored = Metrics.counter(NAMESPACE, SCORED);
  private transient long pending;

  @StartBundle
  public void start() {
    pending = 0;
  }

  @ProcessElement
  public void process(@Element T element) {
    pending++;
  }

  @FinishBundle
  public void finish() {
    scored.inc(pending);
    pending = 0;
  }
}

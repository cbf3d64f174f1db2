package dev.modelserving.beam.benchmarks.serve;

/**
 * How the Flink runner cuts bundles in a benchmark pipeline. Records wait in {@code ServeModels}'
 * packing step until their bundle ends, so the bundle time bounds latency and costs throughput.
 */
public enum BundleSettings {
  /**
   * What the serving application sets ({@code ServingMain.applyRunnerDefaults}) for a maximum
   * batch wait of {@link #MAX_BATCH_WAIT_MILLIS} ms: {@code --maxBundleTimeMills} two thirds of it,
   * {@code --autoWatermarkInterval} equal to it.
   */
  APP("app bundles"),
  /** The Flink runner's own defaults: bundles of up to 1000 records or 1000 ms. */
  FLINK_DEFAULT("Flink default bundles");

  /** The maximum batch wait every benchmark pipeline serves with: the library's default. */
  public static final long MAX_BATCH_WAIT_MILLIS = 10;

  private final String label;

  BundleSettings(String label) {
    this.label = label;
  }

  /** A few words for variant names, e.g. "Flink default bundles". */
  public String label() {
    return label;
  }
}

package dev.modelserving.beam.benchmarks.report;

/** The suite names that the report and the ratios know. */
public final class Suites {
  /** The evaluators called in a loop (JMH). */
  public static final String RAW = "raw";
  /** The hand-written Flink DataStream job. */
  public static final String NATIVE_FLINK = "native-flink";

  private Suites() {}
}

package dev.modelserving.beam.benchmarks.report;

/** The suite names that the report and the ratios know. */
public final class Suites {
  /** The evaluators called in a loop (JMH). */
  public static final String RAW = "raw";
  /** The hand-written Flink DataStream job. */
  public static final String NATIVE_FLINK = "native-flink";
  /** ServeModels on Flink [local], bounded runs: throughput. */
  public static final String SERVE = "serve";
  /** ServeModels on Flink [local] under a paced load: per-record latency in process. */
  public static final String LATENCY = "latency";
  /** The serving application through a real Kafka broker: sustainable rate and latency. */
  public static final String KAFKA = "kafka-e2e";
  /** Model swaps under load through Kafka: publish to first record scored by the new model. */
  public static final String SWAP = "swap";
  /** Heap with many data types and models. */
  public static final String HEAP = "heap";
  /** Serving policies: speculative latency against a budget, and the throughput cost of each policy. */
  public static final String POLICIES = "policies";

  private Suites() {}
}

package dev.modelserving.beam.pipeline.demo;

import dev.modelserving.beam.pipeline.PolicyOptions;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The demo's modes ({@code --demoMode}): what is published, and the serving options each mode
 * needs. A mode's settings apply only where the command line does not give the option.
 */
enum DemoMode {
  /** A new model every interval, each taking over (the current policy). */
  CYCLE(1),
  /** A fast and a slow model under the speculative policy. */
  SPECULATIVE(20),
  /** A stable model and a canary under the routed policy, the canary's weight raised every interval. */
  CANARY(10);

  private final int printEvery;

  DemoMode(int printEvery) {
    this.printEvery = printEvery;
  }

  /** The mode {@code --demoMode} names. */
  static DemoMode of(String name) {
    for (DemoMode mode : values()) {
      if (mode.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return mode;
      }
    }
    throw new IllegalArgumentException("--demoMode must be 'cycle', 'speculative' or 'canary', was '" + name + "'");
  }

  /** Sets the options this mode needs that {@code args} do not give. */
  void applyDefaults(DemoOptions o, String[] args) {
    switch (this) {
      case SPECULATIVE:
        if (!given(args, "policy")) {
          o.setPolicy(PolicyOptions.SPECULATIVE);
          setIfAbsent(args, "fastModel", () -> o.setFastModel(SpeculativeScenario.FAST));
          setIfAbsent(args, "preferModels", () -> o.setPreferModels(SpeculativeScenario.SLOW));
          setIfAbsent(args, "latencyBudgetMillis", () -> o.setLatencyBudgetMillis(1));
        }
        setIfAbsent(args, "recordsPerSecond", () -> o.setRecordsPerSecond(100));
        setIfAbsent(args, "minBatchSize", () -> o.setMinBatchSize(20));
        setIfAbsent(args, "maxBatchWaitMillis", () -> o.setMaxBatchWaitMillis(250));
        break;
      case CANARY:
        setIfAbsent(args, "policy", () -> o.setPolicy(PolicyOptions.ROUTED));
        setIfAbsent(args, "recordsPerSecond", () -> o.setRecordsPerSecond(25));
        break;
      default:
        break;
    }
  }

  /** What this mode publishes. */
  DemoScenario scenario(ModelPublisher publisher, DemoOptions o, Path testdata) {
    switch (this) {
      case SPECULATIVE:
        return new SpeculativeScenario(publisher, o, testdata);
      case CANARY:
        return new CanaryScenario(publisher, o, testdata.resolve("models"));
      default:
        return new DemoModelCycle(publisher, o.getModelTopic(), testdata.resolve("models"));
    }
  }

  /** Every how many scored records one is printed: {@code --printEvery}, else the mode's default. */
  int printEvery(DemoOptions o) {
    return o.getPrintEvery() > 0 ? o.getPrintEvery() : printEvery;
  }

  /** True if the console prints a tally of the decisions every interval. */
  boolean talliesDecisions() {
    return this != CYCLE;
  }

  private static void setIfAbsent(String[] args, String option, Runnable set) {
    if (!given(args, option)) {
      set.run();
    }
  }

  static boolean given(String[] args, String option) {
    return Arrays.stream(args).anyMatch(a -> a.startsWith("--" + option + "=") || a.equals("--" + option));
  }
}

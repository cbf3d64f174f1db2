package dev.modelserving.beam.pipeline.demo;

import dev.modelserving.beam.pipeline.PolicyOptions;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

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
  CANARY(10),
  /** The train pipeline beside serving publishes the models; the served accuracy every interval. */
  TRAINING(1000);

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
    throw new IllegalArgumentException("--demoMode must be 'cycle', 'speculative', 'canary' or 'training', was '"
        + name + "'");
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
      case TRAINING:
        setIfAbsent(args, "recordsPerSecond", () -> o.setRecordsPerSecond(100));
        setIfAbsent(args, "modelIntervalSeconds", () -> o.setModelIntervalSeconds(5));
        setIfAbsent(args, "badRecordEvery", () -> o.setBadRecordEvery(1000)); // a few dead letters, not a flood
        // records before the first trained version show as unserved at once, instead of waiting for it
        setIfAbsent(args, "noModelPolicy", () -> o.setNoModelPolicy("unserved"));
        break;
      default:
        break;
    }
  }

  /** What this mode publishes; the training mode prints the served accuracy of {@code accuracy}. */
  DemoScenario scenario(ModelPublisher publisher, DemoOptions o, Path testdata, AccuracyTally accuracy) {
    switch (this) {
      case TRAINING:
        return new TrainingScenario(o, accuracy);
      case SPECULATIVE:
        return new SpeculativeScenario(publisher, o, testdata);
      case CANARY:
        return new CanaryScenario(publisher, o, testdata.resolve("models"));
      default:
        return new DemoModelCycle(publisher, o.getModelTopic(), testdata.resolve("models"));
    }
  }

  /** The good records this mode publishes: generated wines with a drift (training), else the test data set's. */
  Supplier<String> records(DemoOptions o, Path testdata) throws IOException {
    return this == TRAINING ? TrainingScenario.wines(o.getDriftAfter())
        : DemoRecordPublisher.looping(testdata.resolve("wine.csv"));
  }

  /** Every how many scored records one is printed: {@code --printEvery}, else the mode's default. */
  int printEvery(DemoOptions o) {
    return o.getPrintEvery() > 0 ? o.getPrintEvery() : printEvery;
  }

  /** True if the console prints a tally of the decisions every interval. */
  boolean talliesDecisions() {
    return this == SPECULATIVE || this == CANARY;
  }

  /** True if the end-of-run report lists each model version's counters; training makes hundreds of versions. */
  boolean printsModelCounters() {
    return this != TRAINING;
  }

  /**
   * Turns this mode's chatty loggers down: in the training mode new versions come a few a second,
   * and the accuracy lines say which ones served. A logger's level given with {@code
   * -Dorg.slf4j.simpleLogger.log.<name>} is kept.
   */
  void quietLogging() {
    if (this != TRAINING) {
      return;
    }
    QUIET_WHEN_TRAINING.forEach((logger, level) -> {
      String key = "org.slf4j.simpleLogger.log." + logger;
      if (System.getProperty(key) == null) {
        System.setProperty(key, level);
      }
    });
  }

  private static final Map<String, String> QUIET_WHEN_TRAINING = Map.of(
      "dev.modelserving.beam.training.MiniBatchTrainingFn", "warn", // a line per version trained
      "dev.modelserving.beam.serving.cache.ModelCache", "warn", // a line per version loaded and closed
      "dev.modelserving.beam.serving.KeyedServing", "warn", // a line per version taking over
      "org.apache.beam.sdk.io.kafka", "warn", // two pipelines' readers starting and committing
      // the DirectRunner closes readers every few seconds, which interrupts their offset commits: a
      // warning with a stack trace each time; the commits are retried, and the demo's offsets end with it
      "org.apache.beam.sdk.io.kafka.KafkaUnboundedReader", "error");

  /** True if the console prints each unserved record; the training mode counts them in its accuracy lines. */
  boolean printsUnserved() {
    return this != TRAINING;
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

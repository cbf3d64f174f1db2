package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import java.util.Arrays;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the serving pipeline: on Kafka by default, on files with {@code --inputFile}. Any Beam runner
 * on the classpath works: DirectRunner (default) or {@code --runner=FlinkRunner}.
 */
public final class ServingMain {
  private static final Logger LOG = LoggerFactory.getLogger(ServingMain.class);

  private ServingMain() {}

  public static void main(String[] args) throws Exception {
    PipelineResult result = run(parse(args));
    ServingReport.print(result, System.out);
    PipelineResult.State state = result.getState();
    System.exit(state == PipelineResult.State.FAILED ? 1 : 0); // Kafka and runner threads may linger
  }

  /** Parses and validates the options; {@code --help} prints them and exits. */
  public static ServingOptions parse(String[] args) {
    PipelineOptionsFactory.register(ServingOptions.class);
    ServingOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(ServingOptions.class);
    applyRunnerDefaults(options, args);
    return options;
  }

  /**
   * Runner settings the serving pipeline needs, where the command line does not set them:
   *
   * <ul>
   *   <li>{@code Pipeline.run()} returns at once on the DirectRunner and the FlinkRunner, so that
   *       {@code --durationSeconds}, Ctrl-C and tests can stop an unbounded pipeline through its
   *       result;
   *   <li>on Flink, bundles end within the maximum batch wait ({@code --maxBundleTimeMills}: Flink
   *       checks it every half bundle time, so two thirds of the wait), and idle sources look for new
   *       records as often ({@code --autoWatermarkInterval}; Flink's default lets an idle Kafka
   *       source sleep 50 ms).
   * </ul>
   */
  public static void applyRunnerDefaults(PipelineOptions options, String[] args) {
    String runner = options.getRunner().getSimpleName();
    if (runner.equals("DirectRunner")) {
      options.as(DirectOptions.class).setBlockOnRun(false);
    } else if (runner.equals("FlinkRunner")) {
      FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
      if (!given(args, "attachedMode")) {
        flink.setAttachedMode(false);
      }
      long maxWait = options.as(ServingOptions.class).getMaxBatchWaitMillis();
      if (!given(args, "maxBundleTimeMills")) {
        flink.setMaxBundleTimeMills(Math.max(1, maxWait * 2 / 3));
      }
      if (!given(args, "autoWatermarkInterval")) {
        flink.setAutoWatermarkInterval(Math.max(1, maxWait));
      }
    }
  }

  private static boolean given(String[] args, String option) {
    return Arrays.stream(args).anyMatch(a -> a.startsWith("--" + option + "=") || a.equals("--" + option));
  }

  /** Builds and runs the pipeline, waiting for it to end, for --durationSeconds, or for Ctrl-C. */
  public static PipelineResult run(ServingOptions options) throws Exception {
    boolean fileMode = options.getInputFile() != null;
    if (!fileMode && options.getCreateTopics()) {
      KafkaTopics.ensureTopics(options.getBootstrapServers(), KafkaTopics.servingTopics(
          options.getModelTopic(), options.getDataTopic(), options.getOutputTopic(),
          options.getDeadLetterTopic(), options.getTopicPartitions()));
    }
    Pipeline pipeline = fileMode ? FileServing.build(options) : KafkaServing.build(options);
    PipelineResult result = pipeline.run();
    return awaitEnd(result, options.getDurationSeconds());
  }

  /** Waits for the run to end, for at most {@code seconds} (0: no limit), and cancels it on Ctrl-C. */
  public static PipelineResult awaitEnd(PipelineResult result, long seconds) throws Exception {
    Thread cancelOnExit = new Thread(() -> cancelQuietly(result), "cancel-pipeline");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    try {
      PipelineResult.State state = seconds > 0
          ? result.waitUntilFinish(Duration.standardSeconds(seconds))
          : result.waitUntilFinish();
      if (state == null || !state.isTerminal()) {
        LOG.info("Stopping the pipeline after {} s", seconds);
        cancelQuietly(result);
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(cancelOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting; the hook runs
      }
    }
    return result;
  }

  static void cancelQuietly(PipelineResult result) {
    try {
      if (!result.getState().isTerminal()) {
        result.cancel();
      }
    } catch (Exception e) {
      LOG.warn("Could not cancel the pipeline: {}", e.toString());
    }
  }
}

package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.kafka.KafkaAccessException;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.KafkaReachability;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import dev.modelserving.beam.pipeline.flink.FlinkConfDir;
import dev.modelserving.beam.pipeline.flink.FlinkRecovery;
import java.util.Arrays;
import java.util.Optional;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkDetachedRunnerResult;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.common.KafkaException;
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
    System.exit(serve(args, System.out, System.err)); // Kafka and runner threads may linger
  }

  /**
   * The {@code serve} command: runs the pipeline, prints how it ended and its serving counters to
   * {@code out}, and returns the exit status: 0 when the run ended or was stopped, 1 when it failed
   * (also when Kafka refuses the client's credentials or does not answer before the pipeline starts:
   * one line on {@code err}), 2 for a bad option (one line on {@code err}). {@code --help} prints
   * the options with their defaults.
   */
  public static int serve(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (asksForServingHelp(args)) {
      PipelineOptionsFactory.printHelp(out, ServingOptions.class);
      return 0;
    }
    Pipeline pipeline;
    ServingOptions options;
    try {
      options = parse(args);
      pipeline = build(options);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      Verbose.trace(e, err);
      err.println("serve: " + firstLine(e.getMessage()));
      return 2;
    } catch (KafkaAccessException e) {
      Verbose.trace(e, err);
      err.println("serve: " + firstLine(e.getMessage()));
      return 1;
    } catch (KafkaException e) {
      // a client that cannot start: a login module it cannot read, brokers it cannot resolve
      Verbose.trace(e, err);
      err.println("serve: " + KafkaAccessException.withCauses(e));
      return 2;
    }
    PipelineResult result = awaitEnd(pipeline.run(), options.getDurationSeconds());
    PipelineResult.State state = finalState(result);
    out.println("== Pipeline " + state);
    ServingReport.print(result, out);
    return state == PipelineResult.State.FAILED ? 1 : 0;
  }

  /** Bare {@code --help}, or {@code --help=ServingOptions} as {@link Main} passes it; other help is Beam's. */
  private static boolean asksForServingHelp(String[] args) {
    return Arrays.stream(args).anyMatch(a -> a.equals("--help")
        || a.equals("--help=" + ServingOptions.class.getName())
        || a.equals("--help=" + ServingOptions.class.getSimpleName()));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid option";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Parses and checks the options; a bad value throws {@link IllegalArgumentException} saying which. */
  public static ServingOptions parse(String[] args) {
    PipelineOptionsFactory.register(ServingOptions.class);
    ServingOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(ServingOptions.class);
    OptionChecks.check(options);
    applyRecoveryDefaults(options, args);
    OutputDelivery.checkRunner(options, kafkaUnbounded(options));
    applyRunnerDefaults(options, args);
    return options;
  }

  /**
   * Runner settings the serving pipeline needs, where the command line does not set them:
   *
   * <ul>
   *   <li>{@code Pipeline.run()} returns at once on the DirectRunner, so that {@code
   *       --durationSeconds}, Ctrl-C and tests can stop an unbounded pipeline through its result;
   *   <li>on Flink, a bounded input (a file, or Kafka with both {@code --maxRecords} and {@code
   *       --maxModels}) runs attached: {@code Pipeline.run()} returns when the job has ended, with
   *       its final state and metrics. A detached job on the in-process cluster ({@code [local]},
   *       {@code [auto]}) cannot report them: that cluster shuts down as soon as its job ends, and
   *       asking the job's result for its state then fails with "MiniCluster is not yet running or
   *       has already been shut down". Unbounded Kafka runs stay detached, so that they can be
   *       stopped through their result; {@code --attachedMode} decides when given;
   *   <li>on Flink, bundles end within the maximum batch wait ({@code --maxBundleTimeMills}: Flink
   *       checks it every half bundle time, so two thirds of the wait), and idle sources look for new
   *       records as often ({@code --autoWatermarkInterval}; Flink's default lets an idle Kafka
   *       source sleep 50 ms);
   *   <li>on Flink, network buffers between tasks leave at least every half batch wait ({@code
   *       execution.buffer-timeout.interval}, 100 ms by default in Flink), through a configuration directory
   *       the application writes when neither {@code --flinkConfDir} nor {@code FLINK_CONF_DIR} is
   *       given (see {@link FlinkConfDir}); a configuration of your own should set it;
   *   <li>on Flink, the in-process cluster restores the checkpoint {@link #applyRecoveryDefaults}
   *       chose, through that configuration directory;
   *   <li>on Flink, {@code --fasterCopy}: chained steps hand records on without a coder round trip.
   *       Every step of this application leaves its inputs and outputs unchanged once emitted, which
   *       is what makes that safe.
   * </ul>
   */
  public static void applyRunnerDefaults(PipelineOptions options, String[] args) {
    String runner = options.getRunner().getSimpleName();
    ServingOptions serving = options.as(ServingOptions.class);
    if (runner.equals("DirectRunner")) {
      options.as(DirectOptions.class).setBlockOnRun(false);
    } else if (runner.equals("FlinkRunner")) {
      FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
      if (!given(args, "attachedMode")) {
        flink.setAttachedMode(boundedInput(serving));
      }
      if (flink.getAttachedMode() && serving.getDurationSeconds() > 0) {
        LOG.warn("--durationSeconds={} does not stop an attached Flink run: it ends when its input does"
            + " (a bounded input runs attached so that it ends with its state and metrics)",
            serving.getDurationSeconds());
      }
      long maxWait = serving.getMaxBatchWaitMillis();
      if (!given(args, "maxBundleTimeMills")) {
        flink.setMaxBundleTimeMills(Math.max(1, maxWait * 2 / 3));
      }
      if (!given(args, "autoWatermarkInterval")) {
        flink.setAutoWatermarkInterval(Math.max(1, maxWait));
      }
      Optional<String> restore = Optional.ofNullable(serving.getRestoredFrom());
      boolean inProcess = flink.getFlinkMaster().equals("[local]") || flink.getFlinkMaster().equals("[auto]");
      String ownConf = given(args, "flinkConfDir") ? flink.getFlinkConfDir() : System.getenv("FLINK_CONF_DIR");
      if (ownConf == null) {
        FlinkConfDir conf = FlinkConfDir.withBufferTimeout(Math.max(1, maxWait / 2));
        restore.filter(r -> inProcess).ifPresent(conf::restoringFrom);
        flink.setFlinkConfDir(conf.write());
      } else if (restore.isPresent() && inProcess) {
        flink.setFlinkConfDir(FlinkConfDir.extending(ownConf).restoringFrom(restore.get()).write());
      }
      if (!given(args, "fasterCopy")) {
        flink.setFasterCopy(true);
      }
    }
  }

  /**
   * On Flink, an unbounded Kafka run checkpoints and resumes from its newest checkpoint ({@link
   * FlinkRecovery}, {@link RecoveryOptions}); on a remote cluster through {@code --savepointPath},
   * in process through the configuration {@link #applyRunnerDefaults} writes.
   */
  public static void applyRecoveryDefaults(ServingOptions options, String[] args) {
    if (!options.getRunner().getSimpleName().equals("FlinkRunner") || !kafkaUnbounded(options)) {
      return;
    }
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    Optional<String> restore = FlinkRecovery.apply(flink, options, options.getConsumerGroup(), o -> given(args, o));
    boolean inProcess = flink.getFlinkMaster().equals("[local]") || flink.getFlinkMaster().equals("[auto]");
    if (restore.isPresent() && !inProcess && flink.getSavepointPath() == null) {
      flink.setSavepointPath(restore.get());
    }
  }

  /** True for a Kafka run that does not end by itself: the runs that checkpoint and resume. */
  static boolean kafkaUnbounded(ServingOptions o) {
    return o.getInputFile() == null && !boundedInput(o);
  }

  /** True when the input ends by itself: a file, or Kafka with both --maxRecords and --maxModels. */
  static boolean boundedInput(ServingOptions o) {
    return o.getInputFile() != null || (o.getMaxRecords() > 0 && o.getMaxModels() > 0);
  }

  private static boolean given(String[] args, String option) {
    return Arrays.stream(args).anyMatch(a -> a.startsWith("--" + option + "=") || a.equals("--" + option));
  }

  /** Builds and runs the pipeline, waiting for it to end, for --durationSeconds, or for Ctrl-C. */
  public static PipelineResult run(ServingOptions options) throws Exception {
    return awaitEnd(build(options).run(), options.getDurationSeconds());
  }

  /**
   * The pipeline for the options: on files with --inputFile, else on Kafka (creating missing topics).
   *
   * @throws KafkaAccessException if Kafka refuses the client's credentials or does not answer
   */
  static Pipeline build(ServingOptions options) {
    boolean fileMode = options.getInputFile() != null;
    if (!fileMode) {
      KafkaClientConfig clients = KafkaClientConfig.from(options);
      if (!clients.isEmpty()) {
        LOG.info("{} (on top of the application's defaults, for every Kafka client)", clients);
      }
      KafkaReachability.require(options.getBootstrapServers(), "serve from Kafka");
      if (options.getCreateTopics()) {
        KafkaTopics.ensureTopics(options.getBootstrapServers(), ServingTopics.of(options), clients);
      }
    }
    return fileMode ? FileServing.build(options) : KafkaServing.build(options);
  }

  /** Waits for the run to end, for at most {@code seconds} (0: no limit), and cancels it on Ctrl-C. */
  public static PipelineResult awaitEnd(PipelineResult result, long seconds) throws Exception {
    Thread cancelOnExit = new Thread(() -> cancelQuietly(result), "cancel-pipeline");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    try {
      PipelineResult.State state;
      try {
        state = seconds > 0
            ? result.waitUntilFinish(Duration.standardSeconds(seconds))
            : result.waitUntilFinish();
      } catch (IllegalStateException e) {
        if (result instanceof FlinkDetachedRunnerResult) {
          throw new IllegalStateException("the detached Flink job can no longer be asked how it ended: an"
              + " in-process Flink cluster shuts down with its job (" + e.getMessage() + "); run it attached,"
              + " the default for a bounded input, to get its final state and metrics", e);
        }
        throw e;
      }
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

  /**
   * The state of an ended or stopped run, or {@code UNKNOWN} when the runner can no longer tell (a
   * detached job on an in-process Flink cluster, which shut down when the job was cancelled).
   */
  static PipelineResult.State finalState(PipelineResult result) {
    try {
      return result.getState();
    } catch (RuntimeException e) {
      LOG.warn("The runner cannot tell how the pipeline ended: {}", e.toString());
      return PipelineResult.State.UNKNOWN;
    }
  }

  /** Cancels a run that has not ended; logs what goes wrong. */
  public static void cancelQuietly(PipelineResult result) {
    try {
      if (!result.getState().isTerminal()) {
        result.cancel();
      }
    } catch (Exception e) {
      LOG.warn("Could not cancel the pipeline: {}", e.toString());
    }
  }
}

package dev.modelserving.beam.pipeline.training;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.OptionChecks;
import dev.modelserving.beam.pipeline.ServingMain;
import dev.modelserving.beam.pipeline.Verbose;
import dev.modelserving.beam.pipeline.kafka.KafkaAccessException;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.KafkaReachability;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics.TopicSpec;
import dev.modelserving.beam.pipeline.kafka.ModelTopicBootstrap;
import dev.modelserving.beam.training.TrainingSpec;
import dev.modelserving.beam.training.sgd.LearningRate;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code train} command: incremental training on the labelled records of the data topic,
 * publishing every new model version to the model topic, where a running serving pipeline picks it
 * up. A run without checkpointed state continues from the latest version on the model topic
 * ({@code --startFrom}); on Flink a restarted run resumes from its newest checkpoint, weights
 * included, as {@code serve} does.
 */
public final class TrainMain {
  private static final Logger LOG = LoggerFactory.getLogger(TrainMain.class);
  static final String DEFAULT_CONSUMER_GROUP = "model-serving-training";
  public static final String DEFAULT_DEAD_LETTER_TOPIC = "training-dead-letters";

  private TrainMain() {}

  public static void main(String[] args) throws Exception {
    System.exit(train(args, System.out, System.err));
  }

  /**
   * Runs the command; returns 0 when the run ended or was stopped, 1 when it failed or Kafka could
   * not be reached, 2 for a bad option (one line on {@code err}).
   */
  public static int train(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (Arrays.asList(args).contains("--help")) {
      PipelineOptionsFactory.printHelp(out, TrainingOptions.class);
      return 0;
    }
    TrainingOptions options;
    Pipeline pipeline;
    try {
      options = parse(args);
      TrainingSpec spec = spec(options);
      KafkaClientConfig clients = KafkaClientConfig.from(options);
      Optional<ModelDescriptor> fromFile = startFile(options);
      KafkaReachability.require(options.getBootstrapServers(), "train from Kafka");
      if (options.getCreateTopics()) {
        KafkaTopics.ensureTopics(options.getBootstrapServers(), topics(options), clients);
      }
      Optional<ModelDescriptor> start = fromFile.isPresent() ? fromFile : startModel(options, clients);
      if (start.isPresent()) {
        spec = spec.withInitialModel(start.get());
        out.println("Without checkpointed state, training continues from " + options.getModelName() + " version "
            + start.get().getVersion());
      }
      pipeline = TrainingPipeline.build(options, spec);
    } catch (IllegalArgumentException | IOException e) {
      Verbose.trace(e, err);
      err.println("train: " + e.getMessage());
      return 2;
    } catch (KafkaAccessException e) {
      Verbose.trace(e, err);
      err.println("train: " + e.getMessage());
      return 1;
    } catch (KafkaException e) {
      Verbose.trace(e, err);
      err.println("train: " + KafkaAccessException.withCauses(e));
      return 2;
    }
    PipelineResult result = ServingMain.awaitEnd(pipeline.run(), options.getDurationSeconds());
    PipelineResult.State state;
    try {
      state = result.getState();
    } catch (RuntimeException e) {
      state = PipelineResult.State.UNKNOWN;
    }
    out.println("== Training pipeline " + state);
    TrainingReport.print(TrainingReport.counters(result), out);
    return state == PipelineResult.State.FAILED ? 1 : 0;
  }

  /** Parses and checks the options, with the training defaults where the command line gives none. */
  public static TrainingOptions parse(String[] args) {
    PipelineOptionsFactory.register(TrainingOptions.class);
    TrainingOptions o = PipelineOptionsFactory.fromArgs(args).withValidation().as(TrainingOptions.class);
    if (!given(args, "consumerGroup")) {
      o.setConsumerGroup(DEFAULT_CONSUMER_GROUP);
    }
    if (!given(args, "deadLetterTopic")) {
      o.setDeadLetterTopic(DEFAULT_DEAD_LETTER_TOPIC);
    }
    OptionChecks.check(o);
    ServingMain.applyRecoveryDefaults(o, args);
    ServingMain.applyRunnerDefaults(o, args);
    return o;
  }

  /** The spec the options describe. */
  public static TrainingSpec spec(TrainingOptions o) {
    List<String> features = list(o.getFeatures());
    List<String> classes = list(o.getClasses());
    TrainingSpec spec = classes.isEmpty()
        ? TrainingSpec.linearRegression(o.getTrainingDataType(), o.getModelName(), o.getTarget(), features)
        : TrainingSpec.logisticRegression(o.getTrainingDataType(), o.getModelName(), o.getTarget(), features, classes);
    return spec.withLearningRate(LearningRate.inverseScaling(o.getLearningRate(), o.getLearningRateDecay()))
        .withL2(o.getL2());
  }

  /** With --startFrom=latest, the latest version on the model topic, if any. */
  static Optional<ModelDescriptor> startModel(TrainingOptions o, KafkaClientConfig clients) {
    switch (o.getStartFrom().trim()) {
      case "latest":
        Optional<ModelDescriptor> latest = ModelTopicBootstrap.latestVersion(o.getBootstrapServers(), o.getModelTopic(),
            o.getTrainingDataType(), o.getModelName(), clients);
        if (latest.isEmpty()) {
          LOG.info("The model topic '{}' has no version of {} for data type '{}': training starts from zero",
              o.getModelTopic(), o.getModelName(), o.getTrainingDataType());
        }
        return latest;
      default:
        return Optional.empty();
    }
  }

  /** With --startFrom=<file>, that PMML model as version --startVersion. */
  static Optional<ModelDescriptor> startFile(TrainingOptions o) throws IOException {
    String from = o.getStartFrom().trim();
    switch (from) {
      case "none":
      case "latest":
        return Optional.empty();
      default:
        Path file = Path.of(from);
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException("--startFrom must be 'latest', 'none' or a PMML file; '" + from
              + "' is not a file");
        }
        return Optional.of(ModelDescriptor.newBuilder().setName(o.getModelName()).setDataType(o.getTrainingDataType())
            .setFormat("pmml").setVersion(Long.toString(o.getStartVersion())).setUuid("file:" + file.toAbsolutePath())
            .setModelBytes(ByteString.copyFrom(Files.readAllBytes(file))).build());
    }
  }

  /** The topics the command reads and writes: the data topic, the compacted model topic, the dead-letter topic. */
  public static Map<String, TopicSpec> topics(TrainingOptions o) {
    return KafkaTopics.servingTopics(o.getModelTopic(), o.getDataTopic(), o.getDeadLetterTopic(),
        o.getDeadLetterTopic(), o.getTopicPartitions());
  }

  private static List<String> list(String csv) {
    return csv == null || csv.isBlank() ? List.of()
        : Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static boolean given(String[] args, String option) {
    return Arrays.stream(args).anyMatch(a -> a.startsWith("--" + option + "=") || a.equals("--" + option));
  }
}

package dev.modelserving.beam.benchmarks.kafka;

import dev.modelserving.beam.benchmarks.latency.Pipelines;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.KafkaServing;
import dev.modelserving.beam.pipeline.ServingMain;
import dev.modelserving.beam.pipeline.ServingOptions;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.serving.ServingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;

/**
 * The serving application's own Kafka pipeline ({@code KafkaServing.build} with the options {@code
 * ServingMain.parse} makes, runner defaults included), running detached on the local Flink
 * mini-cluster against a broker, with topics of its own: {@code <prefix>-models}, {@code
 * -records}, {@code -scored} and {@code -dead-letters}. {@link #close()} cancels it. Extra
 * arguments (the benchmark's {@code --app-args}) go to the app's options as they would on its
 * command line, e.g. {@code --fasterCopy=true}.
 */
public final class KafkaServingApp implements AutoCloseable {
  /** Partitions of the data, output and dead-letter topics (the app's default). */
  public static final int PARTITIONS = 2;

  private final String bootstrapServers;
  private final String prefix;
  private final ModelPublisher publisher;
  private final ServingOptions options;
  private PipelineResult result;

  private KafkaServingApp(String bootstrapServers, String prefix, ServingOptions options) {
    this.bootstrapServers = bootstrapServers;
    this.prefix = prefix;
    this.options = options;
    this.publisher = new ModelPublisher(bootstrapServers);
  }

  /**
   * Creates the topics, publishes {@code firstModel} (the pipeline starts from it, as the app does
   * from the latest model on its topic) and starts the pipeline in {@code mode} at {@code parallelism}.
   */
  public static KafkaServingApp start(String bootstrapServers, String prefix, ServingMode mode, int parallelism,
      ModelDescriptor firstModel, List<String> extraArgs) {
    KafkaTopics.ensureTopics(bootstrapServers, KafkaTopics.servingTopics(
        prefix + "-models", prefix + "-records", prefix + "-scored", prefix + "-dead-letters", PARTITIONS));
    List<String> args = new ArrayList<>(List.of(
        "--runner=FlinkRunner",
        "--flinkMaster=[local]",
        "--streaming=true",
        // As measured before checkpoints were the app's default: no checkpoints, output at least once.
        "--checkpointingInterval=-1",
        "--parallelism=" + parallelism,
        "--bootstrapServers=" + bootstrapServers,
        "--modelTopic=" + prefix + "-models",
        "--dataTopic=" + prefix + "-records",
        "--outputTopic=" + prefix + "-scored",
        "--deadLetterTopic=" + prefix + "-dead-letters",
        "--consumerGroup=" + prefix,
        "--createTopics=false",
        "--dataTypes=wine",
        "--servingMode=" + ServingSetup.modeName(mode)));
    args.addAll(extraArgs);
    ServingOptions options = ServingMain.parse(args.toArray(new String[0]));
    options.setJobName(prefix);
    KafkaServingApp app = new KafkaServingApp(bootstrapServers, prefix, options);
    try {
      app.publish(firstModel);
      app.result = KafkaServing.build(options).run();
      return app;
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  /** Publishes a model to the model topic, waiting for the broker's acknowledgement. */
  public void publish(ModelDescriptor model) {
    publisher.send(prefix + "-models", model);
  }

  public String dataTopic() {
    return prefix + "-records";
  }

  public String outputTopic() {
    return prefix + "-scored";
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The runner settings the app chose (bundle time, watermark interval), for the report. */
  public ServingOptions options() {
    return options;
  }

  /** Throws if the pipeline has stopped. */
  public void checkRunning() {
    Pipelines.checkRunning(result);
  }

  @Override
  public void close() {
    Pipelines.cancel(result);
    publisher.close();
  }
}

package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.KafkaIOSettings;
import dev.modelserving.beam.pipeline.kafka.exactlyonce.ExactlyOnceKafkaWrite;
import java.util.Locale;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The delivery guarantee of the output topics ({@code --outputDelivery}).
 *
 * <ul>
 *   <li>At least once ({@code auto}, the default): KafkaIO's writer. After a hard stop, what was
 *       written after the last checkpoint is written again; every message carries the record id.
 *   <li>Exactly once: {@link ExactlyOnceKafkaWrite}, a Kafka transaction per batch of records,
 *       committed after the checkpoint that holds the batch completes. A {@code read_committed}
 *       consumer sees each record once, up to about one checkpoint interval after it was scored.
 *       Needs a runner with stable input: on Flink, checkpointing on.
 * </ul>
 */
enum OutputDelivery {
  EXACTLY_ONCE,
  AT_LEAST_ONCE;

  static OutputDelivery of(ServingOptions o) {
    String value = o.getOutputDelivery().toLowerCase(Locale.ROOT);
    switch (value) {
      case "exactly-once":
        return EXACTLY_ONCE;
      case "at-least-once":
      case "auto":
        return AT_LEAST_ONCE;
      default:
        throw new IllegalArgumentException("--outputDelivery must be auto, exactly-once or at-least-once, not '"
            + o.getOutputDelivery() + "'");
    }
  }

  /**
   * Fails when exactly-once output cannot work with the runner settings as they end up, defaults
   * applied: an unbounded run on Flink commits its output with checkpoints, so they must be on.
   */
  static void checkRunner(ServingOptions o, boolean unbounded) {
    if (of(o) != EXACTLY_ONCE || !isFlink(o) || !unbounded) {
      return;
    }
    Long interval = o.as(FlinkPipelineOptions.class).getCheckpointingInterval();
    if (interval == null || interval <= 0) {
      throw new IllegalArgumentException("--outputDelivery=exactly-once on Flink commits the output with checkpoints:"
          + " set --checkpointingInterval (ms) above 0, not " + interval);
    }
  }

  private static boolean isFlink(ServingOptions o) {
    return o.getRunner() != null && o.getRunner().getSimpleName().equals("FlinkRunner");
  }

  /**
   * Writes {@code records} (key: record id or data type, may be null) to {@code topic} with this
   * guarantee, as step {@code name}; {@code sink} names the output, unique within the pipeline.
   */
  void write(PCollection<KV<String, String>> records, String name, ServingOptions o, KafkaClientConfig clients,
      String topic, String sink) {
    if (this == EXACTLY_ONCE) {
      records.apply(name, ExactlyOnceKafkaWrite.<String, String>to(topic)
          .withBootstrapServers(o.getBootstrapServers())
          .withSinkGroupId(o.getConsumerGroup() + "-" + sink)
          .withKeySerializer(StringSerializer.class)
          .withValueSerializer(StringSerializer.class)
          .withClientConfig(clients));
    } else {
      records.apply(name, KafkaIOSettings.write(KafkaIO.<String, String>write()
          .withBootstrapServers(o.getBootstrapServers())
          .withTopic(topic)
          .withKeySerializer(StringSerializer.class)
          .withValueSerializer(StringSerializer.class), clients));
    }
  }
}

package dev.modelserving.beam.pipeline;

import java.util.Locale;
import org.apache.beam.sdk.io.kafka.KafkaIO;

/**
 * The delivery guarantee of the output topics ({@code --outputDelivery}). Exactly once uses
 * KafkaIO's exactly-once sink: messages are written in Kafka transactions that commit when the
 * runner checkpoints, so a consumer reading {@code read_committed} sees each record once even when
 * the job fails over, and sees it up to one checkpoint interval after it was scored. It is not the
 * default ({@code auto} is at least once): on Flink that sink commits about one transaction per
 * record, which held a 100 records/s test stream to a few dozen a second on the 2-core development
 * machine, and a run killed before its first checkpoint with the sink's state cannot restore.
 */
enum OutputDelivery {
  EXACTLY_ONCE,
  AT_LEAST_ONCE;

  /**
   * Shards of each exactly-once sink: one transactional producer each. Fixed, because the sink keeps
   * its progress per shard in Kafka and a restart must find the same shards.
   */
  static final int EXACTLY_ONCE_SHARDS = 2;

  static OutputDelivery of(ServingOptions o) {
    String value = o.getOutputDelivery().toLowerCase(Locale.ROOT);
    switch (value) {
      case "exactly-once":
        return EXACTLY_ONCE;
      case "at-least-once":
        return AT_LEAST_ONCE;
      case "auto":
        return AT_LEAST_ONCE;
      default:
        throw new IllegalArgumentException("--outputDelivery must be auto, exactly-once or at-least-once, not '"
            + o.getOutputDelivery() + "'");
    }
  }

  /** The writer with this guarantee; {@code sink} names the output, unique within the pipeline. */
  <K, V> KafkaIO.Write<K, V> apply(KafkaIO.Write<K, V> writer, ServingOptions o, String sink) {
    return this == EXACTLY_ONCE ? writer.withEOS(EXACTLY_ONCE_SHARDS, o.getConsumerGroup() + "-" + sink) : writer;
  }
}

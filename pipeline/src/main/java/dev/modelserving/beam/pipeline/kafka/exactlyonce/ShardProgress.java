package dev.modelserving.beam.pipeline.kafka.exactlyonce;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a shard's progress lives in Kafka: the sequence number of the last batch a shard wrote is
 * committed, inside the batch's own transaction, as the offset of partition 0 of the output topic
 * for the consumer group {@code <sinkGroupId>-<shard>}. So the batch and the record of it having
 * been written commit together, or neither does.
 */
final class ShardProgress {
  private ShardProgress() {}

  static String groupId(String sinkGroupId, int shard) {
    return sinkGroupId + "-" + shard;
  }

  static TopicPartition partition(String topic) {
    return new TopicPartition(topic, 0);
  }

  static OffsetAndMetadata committing(long sequence, String topic, int shard) {
    return new OffsetAndMetadata(sequence, "exactly-once sink of '" + topic + "', shard " + shard
        + ": the offset is the sequence number of the last batch written");
  }

  /**
   * The sequence number of the shard's last batch that Kafka committed, if any. With {@code
   * waitForOpenTransaction}, a transaction of the shard still open is waited for (Kafka answers once
   * it commits or aborts); without, it is left out. An open transaction of a crashed worker ends
   * only when the next producer of the shard fences it, or after the transaction timeout: a reader
   * that runs before that producer opens must not wait for it.
   */
  static OptionalLong lastWritten(Map<String, Object> adminConfig, String topic, String sinkGroupId, int shard,
      boolean waitForOpenTransaction) {
    TopicPartition partition = partition(topic);
    try (Admin admin = Admin.create(adminConfig)) {
      OffsetAndMetadata committed = admin.listConsumerGroupOffsets(groupId(sinkGroupId, shard),
              new ListConsumerGroupOffsetsOptions().requireStable(waitForOpenTransaction))
          .partitionsToOffsetAndMetadata().get().get(partition);
      return committed == null ? OptionalLong.empty() : OptionalLong.of(committed.offset());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the progress of shard " + shard + " of '" + topic + "'", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the progress of shard " + shard + " of the exactly-once sink of '"
          + topic + "' (consumer group " + groupId(sinkGroupId, shard) + "): " + e.getCause().getMessage(), e.getCause());
    }
  }
}

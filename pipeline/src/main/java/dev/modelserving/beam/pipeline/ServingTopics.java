package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics.TopicSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every topic the serving pipeline reads or writes, as {@code --createTopics} creates them: the
 * compacted model topic, the data, output, dead-letter, review and comparison topics with {@code
 * --topicPartitions} partitions each, and the compacted status topic with one partition.
 */
public final class ServingTopics {
  private ServingTopics() {}

  /** The topics of the options, by name; a name given twice is created once, as its first use says. */
  public static Map<String, TopicSpec> of(ServingOptions o) {
    Map<String, TopicSpec> topics = new LinkedHashMap<>(KafkaTopics.servingTopics(o.getModelTopic(),
        o.getDataTopic(), o.getOutputTopic(), o.getDeadLetterTopic(), o.getTopicPartitions()));
    for (String topic : new String[] {o.getReviewTopic(), o.getComparisonTopic()}) {
      if (topic != null && !topic.isEmpty()) {
        topics.putIfAbsent(topic, TopicSpec.of(o.getTopicPartitions()));
      }
    }
    if (StatusTopic.isOn(o)) {
      topics.putIfAbsent(o.getStatusTopic(), StatusTopic.spec());
    }
    return topics;
  }
}

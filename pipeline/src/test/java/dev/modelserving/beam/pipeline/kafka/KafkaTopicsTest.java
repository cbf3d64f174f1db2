package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link KafkaTopics}: model keys and topic specs. No Kafka. */
class KafkaTopicsTest {
  @Test
  void modelKeyIsDataTypeSlashName() {
    assertThat(KafkaTopics.modelKey("wine", "wine-tree"), is("wine/wine-tree"));
  }

  @Test
  void modelKeyRejectsAmbiguousOrEmptyParts() {
    assertThrows(IllegalArgumentException.class, () -> KafkaTopics.modelKey("", "m"));
    assertThrows(IllegalArgumentException.class, () -> KafkaTopics.modelKey("wine", ""));
    assertThrows(IllegalArgumentException.class, () -> KafkaTopics.modelKey("a/b", "m"));
  }

  @Test
  void servingTopicsHaveACompactedSinglePartitionModelTopic() {
    Map<String, KafkaTopics.TopicSpec> topics = KafkaTopics.servingTopics("models", "data", "out", "dead", 4);

    assertThat(topics.keySet(), contains("models", "data", "out", "dead"));
    KafkaTopics.TopicSpec model = topics.get("models");
    assertThat(model.partitions(), is(1));
    assertThat(model.isCompacted(), is(true));
    assertThat(model.configs().get("cleanup.policy"), is("compact"));
    for (String stream : new String[] {"data", "out", "dead"}) {
      assertThat(topics.get(stream).partitions(), is(4));
      assertThat(topics.get(stream).isCompacted(), is(false));
    }
  }

  @Test
  void unnamedTopicsAreLeftOut() {
    assertThat(KafkaTopics.servingTopics("models", "data", null, "", 2).keySet(), contains("models", "data"));
  }

  @Test
  void topicNeedsAPartition() {
    assertThrows(IllegalArgumentException.class, () -> KafkaTopics.TopicSpec.of(0));
  }
}

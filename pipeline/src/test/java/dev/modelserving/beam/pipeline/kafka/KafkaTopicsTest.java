package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
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
  void addAndRemoveShareTheModelKey() {
    ModelDescriptor add = ModelDescriptor.newBuilder().setDataType("wine").setName("tree").setVersion("1").build();
    assertThat(KafkaTopics.modelKey(add), is("wine/tree"));
    assertThat(KafkaTopics.modelKey(ModelDescriptors.remove("wine", "tree")), is("wine/tree"));
  }

  @Test
  void rollbackHasAKeyOfItsOwn() {
    assertThat(KafkaTopics.modelKey(ModelDescriptors.rollback("wine", "tree", null)), is("wine/tree/rollback"));
    assertThat(KafkaTopics.modelKey(ModelDescriptors.rollback("wine", "tree", "3")), is("wine/tree/rollback"));
    assertThat(KafkaTopics.rollbackKey("wine", "tree"), is("wine/tree/rollback"));
  }

  @Test
  void routeIsKeyedByDataTypeOnly() {
    Routing routing = Routing.newBuilder()
        .addWeights(ModelWeight.newBuilder().setModel("tree").setWeight(1)).addShadows("forest").build();
    assertThat(KafkaTopics.modelKey(ModelDescriptors.route("wine", routing)), is("wine/_routing"));
    assertThat(KafkaTopics.modelKey(ModelDescriptors.route("wine", Routing.getDefaultInstance())), is("wine/_routing"));
    assertThat(KafkaTopics.routingKey("wine"), is("wine/_routing"));
  }

  @Test
  void operationKeysRejectAmbiguousOrEmptyParts() {
    assertThrows(IllegalArgumentException.class, () -> KafkaTopics.routingKey("a/b"));
    assertThrows(IllegalArgumentException.class, () -> KafkaTopics.routingKey(""));
    assertThrows(IllegalArgumentException.class, () -> KafkaTopics.rollbackKey("wine", ""));
    assertThrows(IllegalArgumentException.class, () -> KafkaTopics.modelKey(ModelDescriptors.remove("a/b", "m")));
    assertThrows(IllegalArgumentException.class,
        () -> KafkaTopics.modelKey(ModelDescriptor.newBuilder().setDataType("wine").setName("m").setActionValue(99).build()));
  }

  @Test
  void modelNamesThatCollideWithOperationKeysAreReserved() {
    IllegalArgumentException routing =
        assertThrows(IllegalArgumentException.class, () -> KafkaTopics.modelKey("wine", "_routing"));
    assertThat(routing.getMessage().contains("reserved"), is(true));
    assertThrows(IllegalArgumentException.class, () -> KafkaTopics.modelKey("wine", "tree/rollback"));
    assertThat(KafkaTopics.modelKey("wine", "rollback"), is("wine/rollback"));
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

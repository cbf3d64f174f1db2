package dev.modelserving.beam.pipeline.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What a pipeline started without a checkpoint replays of the model topic: the model sets. */
class ModelTopicBootstrapTest {
  private static final Path MODELS = Paths.get(System.getProperty("testdata.dir")).resolve("models");

  private final List<ConsumerRecord<String, byte[]>> topic = new ArrayList<>();

  @Test
  void replaysTheLatestLoadableVersionOfEveryModelNotRemovedWithTheLatestRoutingInTopicOrder() throws Exception {
    ModelDescriptor treeV1 = add("wine", "wine-tree", "1", "wine-tree.pmml");
    ModelDescriptor linearV1 = add("wine", "wine-linear", "1", "wine-linear.pmml");
    ModelDescriptor treeV2 = add("wine", "wine-tree", "2", "wine-tree.pmml");
    ModelDescriptor firstRouting = send(ModelDescriptors.route("wine", routing("wine-tree", "wine-linear")));
    send(ModelDescriptors.remove("wine", "wine-linear"));
    ModelDescriptor rollback = send(ModelDescriptors.rollback("wine", "wine-tree", null));
    send(treeV2.toBuilder().setVersion("3").setUuid("corrupt-3").setModelBytes(ByteString.copyFromUtf8("no PMML")).build());
    ModelDescriptor routing = send(ModelDescriptors.route("wine", routing("wine-tree")));
    ModelDescriptor beer = add("beer", "beer-linear", "1", "wine-linear.pmml");
    ModelDescriptor linearV2 = add("wine", "wine-linear", "2", "wine-linear.pmml");

    List<KV<String, byte[]>> start = ModelTopicBootstrap.pickLatestLoadable(topic, null);

    assertEquals(List.of(treeV2, rollback, routing, beer, linearV2), descriptors(start));
    assertEquals(List.of("wine/wine-tree", "wine/wine-tree/rollback", "wine/_routing", "beer/beer-linear",
        "wine/wine-linear"), start.stream().map(KV::getKey).collect(Collectors.toList()));
    // never replayed: older versions, the first routing, the remove and the model it removed
    assertEquals(false, descriptors(start).contains(treeV1) || descriptors(start).contains(linearV1)
        || descriptors(start).contains(firstRouting));
  }

  @Test
  void aModelRemovedLastIsNotReplayed() throws Exception {
    add("wine", "wine-tree", "1", "wine-tree.pmml");
    ModelDescriptor linear = add("wine", "wine-linear", "1", "wine-linear.pmml");
    send(ModelDescriptors.remove("wine", "wine-tree"));

    assertEquals(List.of(linear), descriptors(ModelTopicBootstrap.pickLatestLoadable(topic, null)));
  }

  @Test
  void aModelReadingFieldsTheRecordsDoNotHaveIsSkippedForItsVersionBefore() throws Exception {
    ModelDescriptor v1 = add("wine", "wine-linear", "1", "wine-linear.pmml");
    send(ModelPublisher.describe(MODELS.resolve("wine-linear.pmml"), new PublishOptions().name("wine-linear")
        .dataType("wine").version("2").inputMapping(java.util.Map.of("alcohol", "alcohol_pct"))));

    List<String> fields = dev.modelserving.beam.testdata.WineSchema.COLUMNS;
    assertEquals(List.of(v1), descriptors(ModelTopicBootstrap.pickLatestLoadable(topic, fields)));
  }

  private ModelDescriptor add(String dataType, String name, String version, String file) throws Exception {
    return send(ModelPublisher.describe(MODELS.resolve(file),
        new PublishOptions().name(name).dataType(dataType).version(version)));
  }

  private ModelDescriptor send(ModelDescriptor d) {
    topic.add(new ConsumerRecord<>("models", 0, topic.size(), KafkaTopics.modelKey(d), d.toByteArray()));
    return d;
  }

  private static Routing routing(String... models) {
    Routing.Builder r = Routing.newBuilder();
    for (String m : models) {
      r.addWeights(ModelWeight.newBuilder().setModel(m).setWeight(1));
    }
    return r.build();
  }

  private static List<ModelDescriptor> descriptors(List<KV<String, byte[]>> messages) throws Exception {
    List<ModelDescriptor> parsed = new ArrayList<>();
    for (KV<String, byte[]> m : messages) {
      parsed.add(ModelDescriptor.parseFrom(m.getValue()));
    }
    return parsed;
  }
}

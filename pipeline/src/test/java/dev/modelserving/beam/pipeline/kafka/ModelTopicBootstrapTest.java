package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelAction;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.pipeline.FixedAnswerFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ModelTopicBootstrap#startMessages}: the topic's history of every data type, reduced to the
 * messages that rebuild its model set (current and previous version of every model, in the order
 * they took over, a rollback where the history ended rolled back, the latest routing), without Kafka;
 * and {@link ModelTopicBootstrap#inOrder}, which emits them in that order. Models are {@link
 * FixedAnswerFormat} models, so loading them is instant; a model "does not load" when its bytes
 * have no numeric value.
 */
@ExtendWith(TestPipelineExtension.class)
class ModelTopicBootstrapTest {
  private static final List<String> WINE_FIELDS = List.of("id", "data_type", "alcohol", "pH");
  private static final long T0 = 1_700_000_000_000L;

  private final List<ConsumerRecord<String, byte[]>> topic = new ArrayList<>();

  /** A loadable model of wine, created {@code minutes} after T0. */
  private static ModelDescriptor model(String name, String version, int minutes) {
    return FixedAnswerFormat.model(name, version, T0 + minutes * 60_000L, "value=" + version);
  }

  private static ModelDescriptor beer(ModelDescriptor wine) {
    return wine.toBuilder().setDataType("beer").build();
  }

  /** Appends messages to the topic, keyed as the publisher keys them. */
  private ModelTopicBootstrapTest publish(ModelDescriptor... messages) {
    for (ModelDescriptor d : messages) {
      append(KafkaTopics.modelKey(d), d.toByteArray());
    }
    return this;
  }

  private void append(String key, byte[] value) {
    topic.add(new ConsumerRecord<>("models", 0, topic.size(), key, value));
  }

  private List<KV<String, byte[]>> start() {
    return ModelTopicBootstrap.startMessages(topic, WINE_FIELDS);
  }

  /** The start messages as {@code key: what} lines: {@code wine/a: add 2}, {@code wine/a/rollback: rollback 1}, ... */
  private List<String> startLines() {
    return start().stream().map(kv -> kv.getKey() + ": " + describe(kv.getValue())).collect(Collectors.toList());
  }

  private static String describe(byte[] value) {
    try {
      ModelDescriptor d = ModelDescriptor.parseFrom(value);
      switch (d.getAction()) {
        case ADD:
          return "add " + d.getVersion();
        case ROLLBACK:
          return "rollback" + (d.getVersion().isEmpty() ? "" : " " + d.getVersion());
        case ROUTE:
          return "route " + ModelDescriptors.describe(d.getRouting());
        default:
          return d.getAction().toString();
      }
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static ModelDescriptor route(String dataType, Object... modelsAndWeights) {
    Routing.Builder r = Routing.newBuilder();
    for (int i = 0; i < modelsAndWeights.length; i += 2) {
      r.addWeights(ModelWeight.newBuilder().setModel((String) modelsAndWeights[i])
          .setWeight(((Number) modelsAndWeights[i + 1]).doubleValue()));
    }
    return ModelDescriptors.route(dataType, r.build());
  }

  @Test
  void aModelStartsFromItsCurrentVersionAndTheOneBefore() {
    publish(model("a", "1", 1), model("a", "2", 2), model("a", "3", 3));
    assertThat(startLines(), contains("wine/a: add 2", "wine/a: add 3"));
  }

  @Test
  void aModelWithOneVersionStartsFromIt() {
    publish(model("a", "1", 1));
    assertThat(startLines(), contains("wine/a: add 1"));
  }

  @Test
  void theStartMessagesAreTheTopicMessagesThemselves() {
    ModelDescriptor v1 = model("a", "1", 1);
    ModelDescriptor v2 = model("a", "2", 2);
    publish(v1, v2);
    List<KV<String, byte[]>> start = start();
    assertThat(start.get(0).getValue(), equalTo(v1.toByteArray()));
    assertThat(start.get(1).getValue(), equalTo(v2.toByteArray()));
  }

  @Test
  void modelsComeInTheOrderTheyTookOverSoTheNewestIsLast() {
    publish(model("a", "1", 1), model("b", "1", 2), model("c", "1", 3), model("a", "2", 4));
    assertThat(startLines(), contains("wine/b: add 1", "wine/c: add 1", "wine/a: add 1", "wine/a: add 2"));
  }

  @Test
  void removedModelsAreLeftOutAndAModelAddedAgainStartsAfresh() {
    publish(model("a", "1", 1), model("b", "1", 2), model("a", "2", 3), ModelDescriptors.remove("wine", "a"),
        model("c", "1", 4), model("c", "2", 5), ModelDescriptors.remove("wine", "c"), model("c", "3", 6));
    assertThat(startLines(), contains("wine/b: add 1", "wine/c: add 3"));
  }

  @Test
  void removingAModelTheSetDoesNotHaveChangesNothing() {
    publish(model("a", "1", 1), ModelDescriptors.remove("wine", "zzz"));
    assertThat(startLines(), contains("wine/a: add 1"));
  }

  @Test
  void aHistoryThatEndedRolledBackEndsWithARollbackToTheCurrentVersion() {
    publish(model("a", "1", 1), model("a", "2", 2), model("b", "1", 3), ModelDescriptors.rollback("wine", "a", "1"));
    // a took over last (by the rollback), so it comes last; its rollback makes v1 current and v2 previous
    assertThat(startLines(), contains("wine/b: add 1", "wine/a: add 1", "wine/a: add 2", "wine/a/rollback: rollback 1"));
    ModelDescriptor rollback = parse(start().get(3).getValue());
    assertThat(rollback.getAction(), is(ModelAction.ROLLBACK));
    assertThat(rollback.getName(), equalTo("a"));
    assertThat(rollback.getDataType(), equalTo("wine"));
  }

  @Test
  void rollingBackTwiceIsBackToTheNewerVersion() {
    publish(model("a", "1", 1), model("a", "2", 2), ModelDescriptors.rollback("wine", "a", null),
        ModelDescriptors.rollback("wine", "a", null));
    assertThat(startLines(), contains("wine/a: add 1", "wine/a: add 2"));
  }

  @Test
  void aVersionAddedAfterARollbackReplacesTheRolledBackVersion() {
    // 1, 2, rollback (current 1, previous 2), 3: current 3, previous 1
    publish(model("a", "1", 1), model("a", "2", 2), ModelDescriptors.rollback("wine", "a", "1"), model("a", "3", 3));
    assertThat(startLines(), contains("wine/a: add 1", "wine/a: add 3"));
  }

  @Test
  void rollbacksThatChangedNothingChangeNothing() {
    publish(model("a", "1", 1),
        ModelDescriptors.rollback("wine", "a", null), // no previous version
        ModelDescriptors.rollback("wine", "zzz", null), // no such model
        model("a", "2", 2),
        ModelDescriptors.rollback("wine", "a", "7"), // the previous version is 1, not 7
        ModelDescriptors.rollback("wine", "a", "2")); // already at 2
    assertThat(startLines(), contains("wine/a: add 1", "wine/a: add 2"));
  }

  @Test
  void versionsThatShareANumberAreRolledBackWithoutOne() {
    publish(model("a", "1", 1), model("a", "1", 2), ModelDescriptors.rollback("wine", "a", null));
    assertThat(startLines(), contains("wine/a: add 1", "wine/a: add 1", "wine/a/rollback: rollback"));
  }

  @Test
  void theLatestRoutingComesLast() {
    publish(model("a", "1", 1), route("wine", "a", 1), model("b", "1", 2), route("wine", "a", 80, "b", 20),
        model("b", "2", 3));
    assertThat(startLines(), contains("wine/a: add 1", "wine/b: add 1", "wine/b: add 2",
        "wine/_routing: route weights {a=80.0, b=20.0}, shadows []"));
  }

  @Test
  void modelsThatDoNotLoadOrDoNotFitTheRecordsAreSkipped() {
    ModelDescriptor v2 = model("a", "2", 2);
    publish(model("a", "1", 1), v2,
        v2.toBuilder().setVersion("3").setUuid("corrupt-3").setCreatedAtMillis(T0 + 3 * 60_000L)
            .setModelBytes(ByteString.copyFromUtf8("value=not-a-number")).build(),
        FixedAnswerFormat.model("a", "4", T0 + 4 * 60_000L, "value=4;reads=alcohol,alcohol_pct"),
        v2.toBuilder().setVersion("5").setUuid("unknown-format-5").setFormat("onnx").build());
    assertThat(startLines(), contains("wine/a: add 1", "wine/a: add 2"));
  }

  @Test
  void withoutRecordFieldsAModelMayReadAnyField() {
    publish(model("a", "1", 1), FixedAnswerFormat.model("a", "2", T0 + 2 * 60_000L, "value=2;reads=alcohol_pct"));
    List<String> lines = ModelTopicBootstrap.startMessages(topic, null).stream()
        .map(kv -> kv.getKey() + ": " + describe(kv.getValue())).collect(Collectors.toList());
    assertThat(lines, contains("wine/a: add 1", "wine/a: add 2"));
  }

  @Test
  void aVersionOlderThanTheOneItWouldReplaceIsSkipped() {
    // published late, but created before the current version: the pipeline refused it
    publish(model("a", "1", 1), model("a", "3", 3), model("a", "2", 2));
    assertThat(startLines(), contains("wine/a: add 1", "wine/a: add 3"));
  }

  @Test
  void aModelSentTwiceIsOneVersion() {
    ModelDescriptor v1 = model("a", "1", 1);
    publish(v1, v1);
    assertThat(startLines(), contains("wine/a: add 1"));
  }

  @Test
  void dataTypesAreRebuiltEachOnItsOwn() {
    publish(model("a", "1", 1), beer(model("a", "1", 1)), model("a", "2", 2), beer(model("x", "1", 3)),
        ModelDescriptors.rollback("beer", "a", null), ModelDescriptors.remove("beer", "x"), route("beer", "a", 1));
    assertThat(startLines(), contains("wine/a: add 1", "wine/a: add 2",
        "beer/a: add 1", "beer/_routing: route weights {a=1.0}, shadows []"));
  }

  @Test
  void messagesThatAreNotModelsAreIgnored() {
    append("wine/gone", null); // a tombstone
    append("wine/junk", "not a protobuf".getBytes(StandardCharsets.UTF_8));
    publish(model("a", "1", 1));
    append("wine/b", ModelDescriptor.newBuilder().setName("b").setDataType("wine").build().toByteArray()); // no format
    assertThat(startLines(), contains("wine/a: add 1"));
  }

  @Test
  void anEmptyTopicStartsFromNothing() {
    assertThat(start(), empty());
  }

  private static ModelDescriptor parse(byte[] value) {
    try {
      return ModelDescriptor.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The start messages reach a keyed step in the order given (here 200, some of them large, with
   * nulls as on the topic), as the model set needs: a stateful DoFn on one key checks that every
   * message follows the one before it. ({@code Create.of} of such a list fails this check on the
   * DirectRunner: it splits the list into bundles that run in parallel.)
   */
  @Test
  void inOrderEmitsTheMessagesInTheirOrder(TestPipeline p) {
    List<KV<String, byte[]>> messages = IntStream.range(0, 200)
        .mapToObj(i -> KV.of(i % 50 == 7 ? null : "key-" + i, i % 50 == 9 ? null : value(i)))
        .collect(Collectors.toList());
    PCollection<KV<String, byte[]>> emitted = p.apply(ModelTopicBootstrap.inOrder(messages));
    PCollection<String> outOfOrder = emitted
        .apply("OneKey", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via(kv -> KV.of("all", kv.getKey() + "|" + (kv.getValue() == null ? null : new String(kv.getValue(),
                StandardCharsets.UTF_8).trim()))))
        .apply("CheckOrder", ParDo.of(new CheckOrderFn()));
    PAssert.that(outOfOrder).empty();
    PAssert.that(emitted.apply("AsText", MapElements.into(TypeDescriptors.strings())
            .via(kv -> kv.getKey() + "|" + (kv.getValue() == null ? null : new String(kv.getValue(), StandardCharsets.UTF_8).trim()))))
        .containsInAnyOrder(messages.stream()
            .map(kv -> kv.getKey() + "|" + (kv.getValue() == null ? null : new String(kv.getValue(), StandardCharsets.UTF_8).trim()))
            .collect(Collectors.toList()));
    p.run().waitUntilFinish();
  }

  /** The index as text, padded with spaces to about 100 kB for every tenth message, like a model. */
  private static byte[] value(int i) {
    String text = i % 10 == 3 ? String.format("%-100000d", i) : String.valueOf(i);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Emits a complaint for every message that does not follow the one before it. */
  private static final class CheckOrderFn extends DoFn<KV<String, String>, String> {
    @StateId("seen")
    private final StateSpec<ValueState<Integer>> seenSpec = StateSpecs.value();

    @ProcessElement
    public void process(@Element KV<String, String> message, @StateId("seen") ValueState<Integer> seen,
        OutputReceiver<String> out) {
      int expected = seen.read() == null ? 0 : seen.read();
      String[] keyAndValue = message.getValue().split("\\|");
      int index = keyAndValue[1].equals("null") ? Integer.parseInt(keyAndValue[0].substring("key-".length()))
          : Integer.parseInt(keyAndValue[1]);
      if (index != expected) {
        out.output("message " + index + " came where " + expected + " was due");
      }
      seen.write(index + 1);
    }
  }
}

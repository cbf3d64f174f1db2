package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.PolicyTestSupport.list;
import static dev.modelserving.beam.serving.PolicyTestSupport.records;
import static dev.modelserving.beam.serving.PolicyTestSupport.scripted;
import static dev.modelserving.beam.serving.ServingTestSupport.rejected;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import dev.modelserving.beam.serving.ServingTestSupport.Inputs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The model set of a data type under set operations on the model stream: add, replace, remove and
 * rollback (to the previous version, without its bytes being sent again), with the current policy
 * (the newest model serves), in keyed and broadcast mode; and the set's state survives a round trip
 * through its checkpoint coder.
 */
@ExtendWith(TestPipelineExtension.class)
class ModelSetTest {
  private static final ModelDescriptor A1 = scripted("a", "1", "value=1");
  private static final ModelDescriptor B1 = scripted("b", "1", "value=10");
  private static final ModelDescriptor A2 = scripted("a", "2", "value=2");
  private static final String WINE = ServingTestSupport.WINE;

  @Test
  void addReplaceRollbackAndRemoveTakeEffectAtTheRightRecord(TestPipeline p) {
    Inputs in = Inputs.of(p, Arrivals.stream()
        .model(A1).records(records("p", 20))                         // a v1
        .model(B1).records(records("q", 20))                         // b is newest
        .model(A2).records(records("r", 20))                         // a replaced: v2 newest
        .model(ModelDescriptors.rollback(WINE, "a", null)).records(records("s", 20))  // a back to v1
        .model(ModelDescriptors.remove(WINE, "a")).records(records("t", 20))          // only b is left
        .model(withUuid(ModelDescriptors.rollback(WINE, "b", null), "rb-b"))     // b has no previous version
        .model(withUuid(ModelDescriptors.rollback(WINE, "gone", "3"), "rb-gone")).records(records("u", 20)));
    Map<String, String> expected = Map.of("p", "a v1", "q", "b v1", "r", "a v2", "s", "a v1", "t", "b v1", "u", "b v1");
    for (ServingMode mode : ServingMode.values()) {
      var result = in.serve(mode.name(), ServingTestSupport.serveModels().withMode(mode));
      PAssert.that(result.getScored()).satisfies(scored -> {
        Map<String, Integer> counts = new HashMap<>();
        for (ScoredRecord<KV<String, String>> r : list(scored)) {
          String group = ServingTestSupport.id(r).substring(0, 1);
          assertThat("record " + ServingTestSupport.id(r), r.getModelName() + " v" + r.getModelVersion(),
              equalTo(expected.get(group)));
          counts.merge(group, 1, Integer::sum);
        }
        assertThat(counts, equalTo(Map.of("p", 20, "q", 20, "r", 20, "s", 20, "t", 20, "u", 20)));
        return null;
      });
      PAssert.that(result.getRejectedModels()).satisfies(rejected(Map.of(
          "rb-b", List.of("model 'b' has no previous version to roll back to"),
          "rb-gone", List.of("has no model 'gone' to roll back"))));
      PAssert.that(result.getUnserved()).empty();
      PAssert.that(result.getDeadLetters()).empty();
    }
    p.run().waitUntilFinish();
  }

  private static ModelDescriptor withUuid(ModelDescriptor message, String uuid) {
    return message.toBuilder().setUuid(uuid).build();
  }

  @Test
  void aFullSetRejectsANewNameAndKeepsServing(TestPipeline p) {
    var result = ServingTestSupport.serve(p, Arrivals.stream().model(A1).model(B1)
            .model(scripted("c", "1", "value=3")).records(records("p", 10)),
        ServingTestSupport.serveModels().withMaxModelsPerDataType(2));
    PAssert.that(result.getScored()).satisfies(scored -> {
      for (ScoredRecord<KV<String, String>> r : list(scored)) {
        assertThat(r.getModelName(), equalTo("b"));
      }
      return null;
    });
    PAssert.that(result.getRejectedModels()).satisfies(rejected(Map.of("c-1", List.of("is full", "[a, b]"))));
    p.run().waitUntilFinish();
  }

  @Test
  void theSetSurvivesItsCheckpointCoderAndRollsBackAfterARestore() throws Exception {
    ModelSlots slots = ModelSlots.empty()
        .withCandidate(ModelRef.of(A1)).promote(A1.getUuid())
        .withCandidate(ModelRef.of(B1)).promote(B1.getUuid())
        .withCandidate(ModelRef.of(A2)).promote(A2.getUuid());
    ModelSlots restored = CoderUtils.clone(ModelSlotsCoder.of(), slots);
    assertThat(restored, equalTo(slots));
    assertThat(restored.names(), equalTo(List.of("b", "a")));
    ModelSlots rolledBack = restored.rollback("a");
    assertThat(rolledBack.current("a"), equalTo(ModelRef.of(A1)));
    assertThat(rolledBack.previous("a"), equalTo(ModelRef.of(A2)));
    assertThat(rolledBack.newest(), equalTo(ModelRef.of(A1)));
    ModelSlots removed = CoderUtils.clone(ModelSlotsCoder.of(), rolledBack).remove("a");
    assertThat(removed.names(), equalTo(List.of("b")));
    assertThat(removed.previous("a"), nullValue());
    assertThat(removed.uuids(), equalTo(java.util.Set.of(B1.getUuid())));
    dev.modelserving.beam.model.proto.Routing routing = PolicyTestSupport.routing(List.of("b"), "a", 90, "b", 10);
    assertThat(CoderUtils.clone(RoutingCoder.of(), routing), equalTo(routing));
  }
}

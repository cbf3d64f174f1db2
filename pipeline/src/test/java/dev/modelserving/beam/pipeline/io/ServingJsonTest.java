package dev.modelserving.beam.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.record.DecisionTrace;
import dev.modelserving.beam.record.ModelAnswer;
import dev.modelserving.beam.record.ModelAnswer.Status;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ShadowComparison;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of scored records with their decision trace, review records and shadow comparisons. */
class ServingJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final ModelOutput MEDIUM = ModelOutput.label("medium", probabilities(0.2, 0.7, 0.1));
  private static final ModelAnswer TREE = new ModelAnswer("wine-tree", "3", "uuid-tree", "model", Status.ANSWERED,
      MEDIUM, null, 250_000);
  private static final ModelAnswer FOREST = new ModelAnswer("wine-forest", "1", "uuid-forest", "model",
      Status.TIMED_OUT, null, "no answer within the 20 ms budget", 20_000_000);
  private static final ModelAnswer LINEAR = new ModelAnswer("wine-linear", "2", "uuid-linear", "fast",
      Status.ANSWERED, ModelOutput.value(5.75), null, 40_000);

  @Test
  void aScoredRecordCarriesItsDecisionTraceWithEveryModelConsulted() throws Exception {
    DecisionTrace trace = new DecisionTrace("speculative", List.of(FOREST, TREE), "wine-tree",
        "'wine-tree' is the most preferred model that answered within 20 ms; 'wine-forest' timed out");
    JsonNode n = JSON.readTree(ServingJson.scored(scored(MEDIUM, "speculative/preferred", trace)));

    // the fields scored records always had are still there
    assertEquals("w-1", n.path("id").asText());
    assertEquals("wine", n.path("dataType").asText());
    assertEquals("medium", n.path("result").path("label").asText());
    assertEquals("wine-tree", n.path("model").path("name").asText());
    assertEquals("speculative/preferred", n.path("decision").asText());
    assertFalse(n.has("kind"));

    JsonNode t = n.path("trace");
    assertEquals(List.of("policy", "winner", "reason", "models"), names(t));
    assertEquals("speculative", t.path("policy").asText());
    assertEquals("wine-tree", t.path("winner").asText());
    assertTrue(t.path("reason").asText().contains("timed out"));
    assertEquals(2, t.path("models").size());

    JsonNode forest = t.path("models").get(0);
    assertEquals("wine-forest", forest.path("name").asText());
    assertEquals("1", forest.path("version").asText());
    assertEquals("uuid-forest", forest.path("uuid").asText());
    assertEquals("model", forest.path("role").asText());
    assertEquals("TIMED_OUT", forest.path("status").asText());
    assertFalse(forest.has("answer"));
    assertEquals("no answer within the 20 ms budget", forest.path("failure").asText());
    assertEquals(20_000.0, forest.path("latencyMicros").asDouble(), 0.0);

    JsonNode tree = t.path("models").get(1);
    assertEquals("ANSWERED", tree.path("status").asText());
    assertEquals("medium", tree.path("answer").path("label").asText());
    assertEquals(0.7, tree.path("answer").path("probabilities").path("medium").asDouble(), 0.0);
    assertFalse(tree.has("failure"));
    assertEquals(250.0, tree.path("latencyMicros").asDouble(), 0.0);
  }

  @Test
  void aRecordOfTheOnlyModelItsPolicyConsultsHasATraceOfThatModel() throws Exception {
    JsonNode n = JSON.readTree(ServingJson.scored(scored(MEDIUM, "current", null)));

    JsonNode t = n.path("trace");
    assertEquals("current", t.path("policy").asText());
    assertEquals("wine-tree", t.path("winner").asText());
    assertEquals(1, t.path("models").size());
    assertEquals("ANSWERED", t.path("models").get(0).path("status").asText());
    assertEquals("medium", t.path("models").get(0).path("answer").path("label").asText());
  }

  @Test
  void aCombinedRegressionAnswerShowsEachModelsValue() throws Exception {
    ModelAnswer tf = new ModelAnswer("wine-mlp", "1", "uuid-mlp", "model", Status.ANSWERED, ModelOutput.value(6.25),
        null, 900_000);
    DecisionTrace trace = new DecisionTrace("consensus", List.of(tf, LINEAR), "wine-mlp", "median of 2 values");
    JsonNode n = JSON.readTree(ServingJson.scored(scored(ModelOutput.value(6.0), "consensus/median", trace)));

    assertEquals(6.0, n.path("result").path("value").asDouble(), 0.0);
    assertEquals(6.25, n.path("trace").path("models").get(0).path("answer").path("value").asDouble(), 0.0);
    assertEquals(5.75, n.path("trace").path("models").get(1).path("answer").path("value").asDouble(), 0.0);
    assertEquals("fast", n.path("trace").path("models").get(1).path("role").asText());
  }

  @Test
  void aReviewRecordIsAScoredRecordOfKindReview() throws Exception {
    DecisionTrace trace = new DecisionTrace("best-confidence", List.of(TREE), "wine-tree",
        "'wine-tree' is the most confident, 0.700, below the minimum 0.9");
    ScoredRecord<DataRecord> record = scored(MEDIUM, "best-confidence/below-threshold", trace);
    JsonNode review = JSON.readTree(ServingJson.review(record));
    JsonNode scored = JSON.readTree(ServingJson.scored(record));

    assertEquals("review", review.path("kind").asText());
    assertEquals("kind", names(review).get(0));
    ((com.fasterxml.jackson.databind.node.ObjectNode) review).remove("kind");
    assertEquals(scored, review);
  }

  @Test
  void aShadowComparisonHasBothAnswersAndWhetherTheyAgree() throws Exception {
    ModelAnswer shadow = new ModelAnswer("wine-forest", "1", "uuid-forest", "shadow", Status.ANSWERED,
        ModelOutput.label("low", probabilities(0.6, 0.3, 0.1)), null, 1_500_000);
    JsonNode n = JSON.readTree(ServingJson.comparison(new ShadowComparison("w-1", "wine", TREE, shadow, false)));

    assertEquals(List.of("kind", "id", "dataType", "agree", "primary", "shadow"), names(n));
    assertEquals("shadow-comparison", n.path("kind").asText());
    assertEquals("w-1", n.path("id").asText());
    assertEquals("wine", n.path("dataType").asText());
    assertFalse(n.path("agree").asBoolean());
    assertEquals("wine-tree", n.path("primary").path("name").asText());
    assertEquals("medium", n.path("primary").path("answer").path("label").asText());
    assertEquals("wine-forest", n.path("shadow").path("name").asText());
    assertEquals("shadow", n.path("shadow").path("role").asText());
    assertEquals("low", n.path("shadow").path("answer").path("label").asText());
    assertEquals(1500.0, n.path("shadow").path("latencyMicros").asDouble(), 0.0);
  }

  @Test
  void aShadowThatFailedHasItsFailureAndNoAnswer() throws Exception {
    ModelAnswer failed = new ModelAnswer("wine-forest", "1", "uuid-forest", "shadow", Status.FAILED, null,
        "field 'alcohol' is missing", 10_000);
    JsonNode n = JSON.readTree(ServingJson.comparison(new ShadowComparison("w-2", "wine", TREE, failed, false)));

    assertThat(n.path("shadow").path("status").asText(), equalTo("FAILED"));
    assertFalse(n.path("shadow").has("answer"));
    assertEquals("field 'alcohol' is missing", n.path("shadow").path("failure").asText());
  }

  private static ScoredRecord<DataRecord> scored(ModelOutput output, String decision, DecisionTrace trace) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", "w-1");
    fields.put("alcohol", 9.4);
    DataRecord input = new DataRecord("w-1", "wine", fields, "w-1,9.4");
    return new ScoredRecord<>(input, "wine", output, "wine-tree", "3", "uuid-tree", "pmml", decision,
        1_700_000_000_000L, 250_000, 4, trace);
  }

  private static Map<String, Double> probabilities(double low, double medium, double high) {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("low", low);
    p.put("medium", medium);
    p.put("high", high);
    return p;
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

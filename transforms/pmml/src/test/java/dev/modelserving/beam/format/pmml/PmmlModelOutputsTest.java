package dev.modelserving.beam.format.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.nullValue;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import java.util.ArrayList;
import java.util.List;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.OutputField;
import org.jpmml.evaluator.TargetField;
import org.junit.jupiter.api.Test;

/**
 * What a PMML model's output holds: the prediction the model declares as final as the primary
 * value or label, and every target and output field by its PMML name in the fields. Expected
 * numbers are computed by hand from the leaf scores and constants listed in each resource.
 */
class PmmlModelOutputsTest {
  private static final String GAUSSIAN = "gbm-gaussian-r.pmml";

  /** The reported bug: an R gbm came back as its raw sum of trees, and as a label. */
  @Test
  void rGbmPredictionIsTheTransformedValueWithTheIntercept() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource(GAUSSIAN))) {
      // x1 < 2.5: -0.4, x2 < 10: -0.1, red: 0.25; sum -0.25; + 5.6 = 5.35
      assertGbm(scorer, gbmRow(1.0, 5.0, "red"), -0.25, 5.35);
      // x1 >= 2.5: 0.6, x2 >= 10: 0.3, white: -0.05; sum 0.85; + 5.6 = 6.45
      assertGbm(scorer, gbmRow(3.0, 12.0, "white"), 0.85, 6.45);
      // the boundaries go right: 0.6, x2 = 9.99 < 10: -0.1, rose: -0.05; sum 0.45; + 5.6 = 6.05
      assertGbm(scorer, gbmRow(2.5, 9.99, "rose"), 0.45, 6.05);
      // x1 missing: 0.1, x2 = 10: 0.3, red: 0.25; sum 0.65; + 5.6 = 6.25
      assertGbm(scorer, Features.builder().put("x2", 10.0).put("colour", "red").build(), 0.65, 6.25);
    }
  }

  private static void assertGbm(Scorer scorer, Features row, double sumOfTrees, double prediction)
      throws Exception {
    ModelOutput out = scorer.score(row);
    assertThat(out.getValue(), closeTo(prediction, 1e-12));
    assertThat("a regression has no label", out.getLabel(), nullValue());
    assertThat(out.getProbabilities(), anEmptyMap());
    assertThat(out.getFields().keySet(), contains("y", "Predicted_y", "GaussianPrediction"));
    assertThat((Double) out.getFields().get("y"), closeTo(sumOfTrees, 1e-12));
    assertThat((Double) out.getFields().get("Predicted_y"), closeTo(sumOfTrees, 1e-12));
    assertThat(out.getFields().get("GaussianPrediction"), equalTo(out.getValue()));
  }

  @Test
  void lastOfChainedTransformedValuesIsThePrediction() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource("gbm-bernoulli-r.pmml"))) {
      // x1 < 2.5: -0.4, red: 0.25; sum -0.15; link -0.15 - 0.2 = -0.35; response 1 / (1 + e^0.35)
      ModelOutput out = scorer.score(Features.builder().put("x1", 1.0).put("colour", "red").build());
      assertThat(out.getValue(), closeTo(1 / (1 + Math.exp(0.35)), 1e-12));
      assertThat(out.getLabel(), nullValue());
      assertThat(out.getFields().keySet(),
          contains("y", "Predicted_y", "BernoulliLinkPrediction", "BernoulliResponsePrediction"));
      assertThat((Double) out.getFields().get("y"), closeTo(-0.15, 1e-12));
      assertThat((Double) out.getFields().get("BernoulliLinkPrediction"), closeTo(-0.35, 1e-12));

      // x1 >= 2.5: 0.6, white: -0.05; sum 0.55; link 0.35; response 1 / (1 + e^-0.35)
      out = scorer.score(Features.builder().put("x1", 3.0).put("colour", "white").build());
      assertThat(out.getValue(), closeTo(1 / (1 + Math.exp(-0.35)), 1e-12));
      assertThat((Double) out.getFields().get("BernoulliLinkPrediction"), closeTo(0.35, 1e-12));
    }
  }

  @Test
  void transformedValueMarkedNotFinalIsNotThePrediction() throws Exception {
    byte[] helper = PmmlTestSupport.edited(GAUSSIAN,
        "feature=\"transformedValue\"", "feature=\"transformedValue\" isFinalResult=\"false\"");
    try (Scorer scorer = PmmlTestSupport.load(helper)) {
      ModelOutput out = scorer.score(gbmRow(3.0, 12.0, "white"));
      assertThat("the target's value", out.getValue(), closeTo(0.85, 1e-12));
      assertThat((Double) out.getFields().get("GaussianPrediction"), closeTo(6.45, 1e-12));
      assertThat(out.getLabel(), nullValue());
    }
  }

  @Test
  void textDecisionAfterTheTransformedValueIsNotARegressionPrediction() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(gaussianWithGrade())) {
      ModelOutput out = scorer.score(gbmRow(3.0, 12.0, "white"));
      assertThat(out.getValue(), closeTo(6.45, 1e-12));
      assertThat(out.getLabel(), nullValue());
      assertThat(out.getFields(), hasEntry("grade", "good"));
      assertThat(scorer.score(gbmRow(1.0, 5.0, "red")).getFields(), hasEntry("grade", "poor"));
    }
  }

  /** The Gaussian gbm with a last Output field: grade = "good" if GaussianPrediction > 6. */
  static byte[] gaussianWithGrade() {
    return PmmlTestSupport.edited(GAUSSIAN, "    </Output>",
        "      <OutputField name=\"grade\" optype=\"categorical\" dataType=\"string\""
            + " feature=\"decision\">\n"
            + "        <Apply function=\"if\">\n"
            + "          <Apply function=\"greaterThan\"><FieldRef field=\"GaussianPrediction\"/>"
            + "<Constant>6</Constant></Apply>\n"
            + "          <Constant>good</Constant>\n"
            + "          <Constant>poor</Constant>\n"
            + "        </Apply>\n"
            + "      </OutputField>\n"
            + "    </Output>");
  }

  @Test
  void interceptInTheTargetsElementIsPartOfTheTargetValue() throws Exception {
    try (Scorer scorer =
        PmmlTestSupport.load(PmmlTestSupport.resource("xgboost-regression-sklearn2pmml.pmml"))) {
      // 0.5 + 0.6 (x1 >= 2.5) + 0.3 (x2 >= 10) = 1.4
      ModelOutput out = scorer.score(Features.builder().put("x1", 3.0).put("x2", 12.0).build());
      assertThat(out.getValue(), closeTo(1.4, 1e-12));
      assertThat(out.getLabel(), nullValue());
      assertThat(out.getFields().keySet(), contains("y"));
      assertThat(out.getFields().get("y"), equalTo(out.getValue()));
      // 0.5 - 0.4 (x1 < 2.5) + 0.3 (x2 >= 10) = 0.4
      out = scorer.score(Features.builder().put("x1", 1.0).put("x2", 12.0).build());
      assertThat(out.getValue(), closeTo(0.4, 1e-12));
    }
  }

  @Test
  void plainRegressionsGiveAValueTheirFieldsAndNoLabel() throws Exception {
    try (Scorer glm = PmmlTestSupport.load(PmmlTestSupport.resource("glm-poisson-r.pmml"))) {
      ModelOutput out = glm.score(Features.builder().put("temp", 2.0).put("color", "red").build());
      // exp(0.5 + 0.1 * 2 + 0.2)
      assertThat(out.getValue(), closeTo(Math.exp(0.9), 1e-12));
      assertThat(out.getLabel(), nullValue());
      assertThat(out.getFields().keySet(), contains("count", "Predicted_count"));
      assertThat(out.getFields().get("count"), equalTo(out.getValue()));
      assertThat(out.getFields().get("Predicted_count"), equalTo(out.getValue()));
    }
    try (Scorer linear = PmmlTestSupport.load(PmmlTestSupport.demoModel("wine-linear.pmml"))) {
      ModelOutput out = linear.score(PmmlTestSupport.wineRows(500).get(1));
      assertThat(out.getLabel(), nullValue());
      assertThat(out.getFields(), aMapWithSize(1));
      assertThat(out.getFields().get("quality"), equalTo(out.getValue()));
    }
  }

  @Test
  void classificationsGiveLabelProbabilitiesAndTheirFields() throws Exception {
    try (Scorer forest = PmmlTestSupport.load(PmmlTestSupport.resource("random-forest-sklearn.pmml"))) {
      ModelOutput out = forest.score(
          Features.builder().put("x1", 0.8).put("x2", 12).put("shape", "oval").build());
      // P(good) = (0.9 + 0.6 + 0.7) / 3
      double good = (0.9 + 0.6 + 0.7) / 3;
      assertThat(out.getLabel(), equalTo("good"));
      assertThat(out.getValue(), nullValue());
      assertThat(out.getProbabilities().keySet(), contains("bad", "good"));
      assertThat(out.getProbabilities().get("good"), closeTo(good, 1e-12));
      assertThat(out.getFields().keySet(), contains("y", "probability(bad)", "probability(good)"));
      assertThat(out.getFields(), hasEntry("y", "good"));
      assertThat(out.getFields().get("probability(good)"), equalTo(out.getProbabilities().get("good")));
      assertThat(out.getFields().get("probability(bad)"), equalTo(out.getProbabilities().get("bad")));
    }
    try (Scorer tree = PmmlTestSupport.load(PmmlTestSupport.demoModel("wine-tree.pmml"))) {
      ModelOutput out = tree.score(PmmlTestSupport.wineRows(500).get(1));
      assertThat(out.getProbabilities().keySet(), contains("low", "medium", "high"));
      assertThat(out.getFields().keySet(), contains("quality_class"));
      assertThat(out.getFields().get("quality_class"), equalTo(out.getLabel()));
    }
  }

  @Test
  void modelWithoutTargetReportsItsOutputField() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource("output-only.pmml"))) {
      ModelOutput out = scorer.score(Features.builder().put("x", 2).build());
      // 1.5 + 2.0 * 2
      assertThat(out.getValue(), closeTo(5.5, 1e-12));
      assertThat(out.getFields().keySet(), contains("score"));
    }
  }

  /** Every declared target field and output field appears in the fields, named as in the model. */
  @Test
  void everyTargetAndOutputFieldIsReported() throws Exception {
    Object[][] cases = {
      {"gbm-bernoulli-r.pmml", Features.builder().put("x1", 3.0).put("colour", "rose").build()},
      {"glm-poisson-r.pmml", Features.builder().put("temp", 1.0).put("color", "blue").build()},
      {"random-forest-sklearn.pmml",
          Features.builder().put("x1", 0.1).put("x2", 3).put("shape", "square").build()},
      {"neural-network-regression.pmml", Features.builder().put("a", 1.0).put("b", 2.0).build()},
      {"log-transform-r.pmml", Features.builder().put("x", 3.0).build()},
    };
    for (Object[] c : cases) {
      byte[] bytes = PmmlTestSupport.resource((String) c[0]);
      try (Scorer scorer = PmmlTestSupport.load(bytes)) {
        ModelOutput out = scorer.score((Features) c[1]);
        assertThat((String) c[0], List.copyOf(out.getFields().keySet()),
            equalTo(declaredResultNames(((PmmlScorer) scorer).evaluator())));
        for (Object value : out.getFields().values()) {
          assertThat(value, anyOf(instanceOf(Double.class), instanceOf(String.class)));
        }
      }
    }
  }

  private static List<String> declaredResultNames(Evaluator evaluator) {
    List<String> names = new ArrayList<>();
    for (TargetField target : evaluator.getTargetFields()) {
      names.add(target.getName());
    }
    for (OutputField output : evaluator.getOutputFields()) {
      names.add(output.getName());
    }
    return names;
  }

  static Features gbmRow(double x1, double x2, String colour) {
    return Features.builder().put("x1", x1).put("x2", x2).put("colour", colour).build();
  }
}

package dev.modelserving.beam.format.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import org.jpmml.evaluator.EvaluatorUtil;
import org.junit.jupiter.api.Test;

/**
 * PMML documents shaped like those R, sklearn2pmml and other tools write (hand-written test
 * resources); each prediction is checked against the value computed by hand from the model's
 * parameters, which are listed in each resource's comment.
 */
class PmmlForeignModelsTest {

  @Test
  void rStyleGeneralRegressionModelWithAFactor() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource("glm-poisson-r.pmml"))) {
      assertThat(scorer.requiredFields(), contains("temp", "color"));
      assertThat(glm(scorer, 2.0, "red"), closeTo(Math.exp(0.5 + 0.2 + 0.2), 1e-12));
      assertThat(glm(scorer, 3.0, "blue"), closeTo(Math.exp(0.5 + 0.3), 1e-12));
      assertThat(glm(scorer, -1.0, "green"), closeTo(Math.exp(0.5 - 0.1 - 0.3), 1e-12));
    }
  }

  private static double glm(Scorer scorer, double temp, String color) throws Exception {
    ModelOutput out = scorer.score(Features.builder().put("temp", temp).put("color", color).build());
    assertThat(out.getLabel(), nullValue());
    return out.getValue();
  }

  @Test
  void sklearnStyleRandomForestAveragesTreeProbabilities() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource("random-forest-sklearn.pmml"))) {
      assertThat(scorer.requiredFields(), contains("x1", "x2", "shape"));
      assertForest(scorer, 0.8, 12, "oval", "good", (0.9 + 0.6 + 0.7) / 3);
      assertForest(scorer, 0.8, 5, "square", "bad", (0.9 + 0.4 + 0.1) / 3);
      assertForest(scorer, 0.2, 5, "square", "bad", (0.2 + 0.4 + 0.1) / 3);
      assertForest(scorer, 0.3, 11, "square", "bad", (0.2 + 0.6 + 0.1) / 3);
    }
  }

  @Test
  void missingValueReplacementOfTheModelApplies() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource("random-forest-sklearn.pmml"))) {
      ModelOutput imputed = scorer.score(Features.builder().put("x1", 0.2).put("shape", "oval").build());
      ModelOutput given =
          scorer.score(Features.builder().put("x1", 0.2).put("x2", 12).put("shape", "oval").build());
      assertThat(imputed, equalTo(given));
      assertThat(imputed.getProbabilities().get("good"), closeTo((0.2 + 0.6 + 0.7) / 3, 1e-12));
    }
  }

  private static void assertForest(
      Scorer scorer, double x1, double x2, String shape, String label, double pGood) throws Exception {
    ModelOutput out =
        scorer.score(Features.builder().put("x1", x1).put("x2", x2).put("shape", shape).build());
    assertThat(out.getLabel(), equalTo(label));
    assertThat(out.getProbabilities().keySet(), contains("bad", "good"));
    assertThat(out.getProbabilities().get("good"), closeTo(pGood, 1e-12));
    assertThat(out.getProbabilities().get("bad"), closeTo(1 - pGood, 1e-12));
  }

  @Test
  void neuralNetworkRegression() throws Exception {
    byte[] bytes = PmmlTestSupport.resource("neural-network-regression.pmml");
    try (Scorer scorer = PmmlTestSupport.load(bytes)) {
      var direct = PmmlTestSupport.directEvaluator(bytes);
      double[][] cases = {{4, 0.3}, {0, 0}, {10, -1.5}, {7.5, 2}};
      for (double[] c : cases) {
        Features row = Features.builder().put("a", c[0]).put("b", c[1]).build();
        double value = scorer.score(row).getValue();
        assertThat(value, closeTo(network(c[0], c[1]), 1e-12));
        assertThat(value,
            equalTo(((Number) EvaluatorUtil.decode(direct.evaluate(row.asMap()).get("y"))).doubleValue()));
      }
    }
  }

  /** The network of neural-network-regression.pmml, written out. */
  private static double network(double a, double b) {
    double an = a / 10;
    double h1 = logistic(0.5 + 1.0 * an - 2.0 * b);
    double h2 = logistic(-1.0 + 0.5 * an + 1.5 * b);
    return 0.25 + 2.0 * h1 - 1.0 * h2;
  }

  private static double logistic(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void fieldNamesWithSpacesAndDots() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource("spaced-names.pmml"))) {
      assertThat(scorer.requiredFields(), contains("fixed acidity", "alcohol.pct"));
      ModelOutput out =
          scorer.score(Features.builder().put("fixed acidity", 7).put("alcohol.pct", 10).build());
      assertThat(out.getValue(), closeTo(2.0 + 0.7 + 3.0, 1e-12));
    }
  }

  @Test
  void olderPmml32Document() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource("regression-pmml-3_2.pmml"))) {
      assertThat(scorer.score(Features.builder().put("x", 4).build()).getValue(), closeTo(9.0, 1e-12));
    }
  }

  @Test
  void modelWhoseOnlyResultIsAnOutputField() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource("output-only.pmml"))) {
      ModelOutput out = scorer.score(Features.builder().put("x", 2).build());
      assertThat(out.getValue(), closeTo(5.5, 1e-12));
      assertThat(out.getLabel(), nullValue());
    }
  }
}

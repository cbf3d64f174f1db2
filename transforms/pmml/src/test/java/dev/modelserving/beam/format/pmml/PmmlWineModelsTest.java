package dev.modelserving.beam.format.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.HasProbability;
import org.junit.jupiter.api.Test;

/** The two trained demo models give through the scorer exactly what JPMML gives when called directly. */
class PmmlWineModelsTest {
  private static final List<Features> ROWS = PmmlTestSupport.wineRows(97);

  @Test
  void linearModelValuesEqualTheDirectEvaluator() throws Exception {
    byte[] bytes = PmmlTestSupport.demoModel("wine-linear.pmml");
    Evaluator direct = PmmlTestSupport.directEvaluator(bytes);
    try (Scorer scorer = PmmlTestSupport.load(bytes)) {
      assertThat(scorer.requiredFields(), hasSize(12));
      assertThat(scorer.requiredFields().get(11), equalTo("wine_type"));
      int reds = 0;
      for (Features row : ROWS) {
        reds += "red".equals(row.get("wine_type")) ? 1 : 0;
        double expected = ((Number) EvaluatorUtil.decode(direct.evaluate(row.asMap()).get("quality"))).doubleValue();
        ModelOutput out = scorer.score(row);
        assertThat(row.toString(), out.getValue(), equalTo(expected));
        assertThat(out.getLabel(), nullValue());
        assertThat(out.getProbabilities().isEmpty(), equalTo(true));
        assertThat("a plausible quality score", out.getValue(), closeTo(6, 3));
      }
      assertThat("the rows cover both wine types", reds > 0 && reds < ROWS.size(), equalTo(true));
    }
  }

  @Test
  void linearModelUsesTheWineTypeCoefficient() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.demoModel("wine-linear.pmml"))) {
      Features row = ROWS.get(0);
      Map<String, Object> red = new LinkedHashMap<>(row.asMap());
      red.put("wine_type", "red");
      Map<String, Object> white = new LinkedHashMap<>(row.asMap());
      white.put("wine_type", "white");
      double difference = scorer.score(Features.of(red)).getValue() - scorer.score(Features.of(white)).getValue();
      // The red-wine coefficient of the committed model (white is the baseline).
      assertThat(difference, closeTo(0.1757388976432484, 1e-12));
    }
  }

  @Test
  void treeModelLabelsAndProbabilitiesEqualTheDirectEvaluator() throws Exception {
    byte[] bytes = PmmlTestSupport.demoModel("wine-tree.pmml");
    Evaluator direct = PmmlTestSupport.directEvaluator(bytes);
    try (Scorer scorer = PmmlTestSupport.load(bytes)) {
      assertThat(scorer.requiredFields().get(0), equalTo("wine_type"));
      for (Features row : ROWS) {
        Object result = direct.evaluate(row.asMap()).get("quality_class");
        HasProbability probability = (HasProbability) result;
        ModelOutput out = scorer.score(row);
        assertThat(row.toString(), out.getLabel(), equalTo(EvaluatorUtil.decode(result)));
        assertThat(out.getValue(), nullValue());
        assertThat("all classes, in the model's order",
            out.getProbabilities().keySet(), contains("low", "medium", "high"));
        double sum = 0;
        for (Map.Entry<String, Double> p : out.getProbabilities().entrySet()) {
          assertThat(p.getKey(), p.getValue(), equalTo(probability.getProbability(p.getKey())));
          sum += p.getValue();
        }
        assertThat(sum, closeTo(1, 1e-9));
      }
    }
  }

  @Test
  void treeModelNeedsOnlyTheFieldsItSplitsOn() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.demoModel("wine-tree.pmml"))) {
      Map<String, Object> fields = new LinkedHashMap<>();
      for (String f : scorer.requiredFields()) {
        fields.put(f, ROWS.get(3).get(f));
      }
      assertThat(scorer.score(Features.of(fields)), equalTo(scorer.score(ROWS.get(3))));
      assertThat(scorer.requiredFields(), containsInAnyOrder(
          "wine_type", "fixed_acidity", "volatile_acidity", "citric_acid", "chlorides",
          "total_sulfur_dioxide", "density", "sulphates", "alcohol"));
    }
  }
}

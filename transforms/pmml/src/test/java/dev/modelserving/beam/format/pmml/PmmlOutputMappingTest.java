package dev.modelserving.beam.format.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** output_mapping.outputs (--modelOutputs) picks the primary prediction of a PMML model. */
class PmmlOutputMappingTest {
  private static final byte[] GAUSSIAN = PmmlTestSupport.resource("gbm-gaussian-r.pmml");
  private static final byte[] FOREST = PmmlTestSupport.resource("random-forest-sklearn.pmml");
  // sum of trees 0.85, prediction 0.85 + 5.6 = 6.45 (see gbm-gaussian-r.pmml)
  private static final Features ROW = PmmlModelOutputsTest.gbmRow(3.0, 12.0, "white");

  @Test
  void firstListedFieldIsThePrimaryValue() throws Exception {
    for (String name : List.of("y", "Predicted_y")) {
      try (Scorer scorer = PmmlTestSupport.load(GAUSSIAN, name, "GaussianPrediction")) {
        ModelOutput out = scorer.score(ROW);
        assertThat(name, out.getValue(), closeTo(0.85, 1e-12));
        assertThat(out.getLabel(), nullValue());
        assertThat("all fields are still reported",
            out.getFields().keySet(), contains("y", "Predicted_y", "GaussianPrediction"));
      }
    }
    try (Scorer scorer = PmmlTestSupport.load(GAUSSIAN, "GaussianPrediction", "y")) {
      assertThat(scorer.score(ROW).getValue(), closeTo(6.45, 1e-12));
    }
  }

  @Test
  void categoricalFieldBecomesTheLabel() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlModelOutputsTest.gaussianWithGrade(), "grade")) {
      ModelOutput out = scorer.score(ROW);
      assertThat(out.getLabel(), equalTo("good"));
      assertThat(out.getValue(), nullValue());
      assertThat((Double) out.getFields().get("GaussianPrediction"), closeTo(6.45, 1e-12));
    }
  }

  @Test
  void classificationCanReportAProbabilityAsItsValue() throws Exception {
    Features row = Features.builder().put("x1", 0.8).put("x2", 12).put("shape", "oval").build();
    try (Scorer scorer = PmmlTestSupport.load(FOREST, "probability(good)")) {
      ModelOutput out = scorer.score(row);
      assertThat(out.getValue(), closeTo((0.9 + 0.6 + 0.7) / 3, 1e-12));
      assertThat(out.getLabel(), nullValue());
      assertThat(out.getProbabilities().keySet(), contains("bad", "good"));
    }
    try (Scorer byTarget = PmmlTestSupport.load(FOREST, "y");
        Scorer automatic = PmmlTestSupport.load(FOREST)) {
      assertThat(byTarget.score(row), equalTo(automatic.score(row)));
      assertThat(byTarget.score(row).getLabel(), equalTo("good"));
    }
  }

  @Test
  void unknownNameFailsTheLoadListingTheAvailableNames() {
    for (List<String> outputs : List.of(List.of("prediction"), List.of("y", "prediction"))) {
      ModelLoadException e = assertThrows(ModelLoadException.class,
          () -> new PmmlModelFormat().load(PmmlTestSupport.descriptor(GAUSSIAN, Map.of(), outputs)));
      assertThat(e.getMessage(), allOf(
          containsString("output_mapping.outputs"),
          containsString("'prediction'"),
          containsString("[y]"),
          containsString("[Predicted_y, GaussianPrediction]")));
    }
  }

  @Test
  void unknownNameFailsThroughTheServiceLoaderToo() {
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> ModelFormats.load(PmmlTestSupport.descriptor(FOREST, Map.of(), List.of("label"))));
    assertThat(e.getMessage(),
        allOf(containsString("'label'"), containsString("[probability(bad), probability(good)]")));
  }
}

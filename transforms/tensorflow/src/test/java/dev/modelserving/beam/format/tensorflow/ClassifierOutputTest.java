package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probabilities, argmax labels and class outputs, on a softmax SavedModel built here. */
class ClassifierOutputTest {
  /** Inputs chosen so that each class wins once. */
  private static final float[][] INPUTS = {{2f, 0f}, {0f, 0.5f}, {-1f, 2f}};
  private static final String[] WINNERS = {"low", "mid", "high"};

  @TempDir static Path dir;
  private static byte[] zip;

  @BeforeAll
  static void build() throws Exception {
    TinyModels.classifier(dir.resolve("classifier"));
    zip = TfTestSupport.zip(dir.resolve("classifier"));
  }

  private static Scorer load(OutputMapping.Builder output) throws ModelLoadException {
    return new SavedModelFormat()
        .load(
            TfTestSupport.descriptor(
                SavedModelFormat.ID,
                zip,
                InputMapping.newBuilder().addTensorColumns("x0").addTensorColumns("x1"),
                output));
  }

  private static Features row(float[] x) {
    return Features.builder().put("x0", x[0]).put("x1", x[1]).build();
  }

  @Test
  void probabilitiesAreKeyedByLabelsAndTheLabelIsTheArgmax() throws Exception {
    try (Scorer s =
        load(
            OutputMapping.newBuilder()
                .addOutputs("probabilities")
                .addAllLabels(List.of(TinyModels.CLASSES)))) {
      for (int i = 0; i < INPUTS.length; i++) {
        ModelOutput out = s.score(row(INPUTS[i]));
        double[] expected = TinyModels.expectedProbabilities(INPUTS[i][0], INPUTS[i][1]);
        assertThat(out.getProbabilities().keySet(), contains("low", "mid", "high"));
        for (int k = 0; k < 3; k++) {
          assertThat(out.getProbabilities().get(TinyModels.CLASSES[k]), closeTo(expected[k], 1e-6));
        }
        assertThat(out.getLabel(), is(WINNERS[i]));
        assertThat(out.getValue(), nullValue());
      }
    }
  }

  @Test
  void withoutLabelsProbabilitiesAreKeyedByIndex() throws Exception {
    try (Scorer s = load(OutputMapping.newBuilder().addOutputs("probabilities"))) {
      ModelOutput out = s.score(row(INPUTS[2]));
      assertThat(out.getProbabilities().keySet(), contains("0", "1", "2"));
      assertThat(out.getLabel(), is("2"));
    }
  }

  @Test
  void anIntegerClassOutputIsMappedThroughTheLabels() throws Exception {
    try (Scorer withLabels =
            load(
                OutputMapping.newBuilder()
                    .addOutputs("class_id")
                    .addAllLabels(List.of("L", "M", "H")));
        Scorer bare = load(OutputMapping.newBuilder().addOutputs("class_id"))) {
      assertThat(withLabels.score(row(INPUTS[1])).getLabel(), is("M"));
      assertThat(bare.score(row(INPUTS[1])).getLabel(), is("1"));
      assertThat(bare.score(row(INPUTS[1])).getProbabilities().isEmpty(), is(true));
    }
  }

  @Test
  void aStringClassOutputIsTheLabel() throws Exception {
    try (Scorer s = load(OutputMapping.newBuilder().addOutputs("class_name"))) {
      for (int i = 0; i < INPUTS.length; i++) {
        assertThat(s.score(row(INPUTS[i])).getLabel(), is(WINNERS[i]));
      }
    }
  }

  @Test
  void allOutputsTogetherGiveLabelAndProbabilities() throws Exception {
    try (Scorer s = load(OutputMapping.newBuilder().addAllLabels(List.of(TinyModels.CLASSES)))) {
      ModelOutput out = s.score(row(INPUTS[0]));
      assertThat(out.getLabel(), is("low"));
      Map<String, Double> p = out.getProbabilities();
      assertThat(p.values().stream().mapToDouble(Double::doubleValue).sum(), closeTo(1, 1e-6));
    }
  }

  @Test
  void aBatchGivesEachRecordItsLabelProbabilitiesAndFields() throws Exception {
    try (Scorer s = load(OutputMapping.newBuilder().addAllLabels(List.of(TinyModels.CLASSES)))) {
      List<Features> batch = new ArrayList<>();
      for (int rep = 0; rep < 3; rep++) {
        for (float[] x : INPUTS) {
          batch.add(row(x));
        }
      }
      batch.add(4, Features.builder().put("x0", 1).build());
      BatchScores scores = s.scoreBatch(batch);
      BatchChecks.assertSameResults(BatchChecks.scoreOneByOne(s, batch), scores, 1e-6);
      assertThat(scores.failure(4), is("missing feature 'x1'"));
      for (int i = 0; i < batch.size(); i++) {
        if (i == 4) {
          continue;
        }
        int input = (i < 4 ? i : i - 1) % INPUTS.length;
        ModelOutput out = scores.output(i);
        assertThat("record " + i, out.getLabel(), is(WINNERS[input]));
        assertThat(out.getProbabilities().keySet(), contains("low", "mid", "high"));
        double[] expected = TinyModels.expectedProbabilities(INPUTS[input][0], INPUTS[input][1]);
        assertThat(out.getProbabilities().get("high"), closeTo(expected[2], 1e-6));
        // Outputs with one value per record, by signature key; the probabilities are not one.
        assertThat(out.getFields().keySet(), contains("class_id", "class_name"));
        assertThat(out.getFields().get("class_id"), is((double) input));
        assertThat(out.getFields().get("class_name"), is(WINNERS[input]));
      }
    }
  }

  @Test
  void labelsThatDoNotMatchTheProbabilityWidthAreRejectedAtLoad() {
    ModelLoadException e =
        assertThrows(
            ModelLoadException.class,
            () ->
                load(
                    OutputMapping.newBuilder()
                        .addOutputs("probabilities")
                        .addLabels("a")
                        .addLabels("b")));
    assertThat(e.getMessage(), containsString("3 probabilities"));
    assertThat(e.getMessage(), containsString("output_mapping.labels lists 2"));
  }
}

package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

/** Models whose inputs fix the batch dimension, or give records no batch dimension to fill. */
class BatchDimensionTest {
  @TempDir Path dir;

  private Scorer linear(Shape inputShape) throws Exception {
    TinyModels.linear(dir.resolve("linear"), inputShape);
    return TfTestSupport.loadSavedModel(
        dir.resolve("linear"),
        InputMapping.newBuilder().addTensorColumns("x0").addTensorColumns("x1"),
        OutputMapping.newBuilder().addOutputs("y").addOutputs("rows"));
  }

  private Scorer twoFeatures(Shape a, Shape b) throws Exception {
    TinyModels.twoFeatures(dir.resolve("two"), a, b);
    return TfTestSupport.loadSavedModel(
        dir.resolve("two"), InputMapping.newBuilder(), OutputMapping.newBuilder());
  }

  private static List<Features> rows(int n) {
    List<Features> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(Features.builder().put("x0", i).put("x1", i - 3).build());
    }
    return rows;
  }

  @Test
  void aFixedBatchDimensionIsTheMaxBatchSizeAndShortRunsArePadded() throws Exception {
    try (Scorer s = linear(Shape.of(4, 2))) {
      assertThat(s.maxBatchSize(), is(4));
      // More records than the model takes (4 + 4 + 2), one of them bad.
      List<Features> batch = rows(10);
      batch.set(5, Features.builder().put("x0", 1).build());
      BatchScores scores = s.scoreBatch(batch);
      assertThat(scores.failure(5), is("missing feature 'x1'"));
      for (int i = 0; i < 10; i++) {
        if (i != 5) {
          ModelOutput out = scores.output(i);
          assertThat("record " + i, out.getValue(), closeTo(TinyModels.linearPrediction(i, i - 3), 1e-5));
          assertThat("record " + i, out.getFields().get("rows"), is(4.0));
        }
      }
      ModelOutput single = s.score(rows(3).get(2));
      assertThat(single.getValue(), closeTo(TinyModels.linearPrediction(2, -1), 1e-5));
      assertThat(single.getFields().get("rows"), is(4.0));
      assertThat(s.maxBatchSize(), is(4));
    }
  }

  @Test
  void aBatchDimensionFixedAtOneScoresRecordByRecord() throws Exception {
    try (Scorer s = linear(Shape.of(1, 2))) {
      assertThat(s.maxBatchSize(), is(1));
      BatchScores scores = s.scoreBatch(rows(5));
      for (int i = 0; i < 5; i++) {
        assertThat(scores.output(i).getValue(), closeTo(TinyModels.linearPrediction(i, i - 3), 1e-5));
        assertThat(scores.output(i).getFields().get("rows"), is(1.0));
      }
    }
  }

  @Test
  void perFeatureInputsWithAFixedAndAFreeBatchDimension() throws Exception {
    try (Scorer s = twoFeatures(Shape.of(4, 1), Shape.of(-1, 1))) {
      assertThat(s.maxBatchSize(), is(4));
      List<Features> batch = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        batch.add(Features.builder().put("a", i).put("b", 100 * i).build());
      }
      BatchScores scores = s.scoreBatch(batch);
      for (int i = 0; i < 6; i++) {
        assertThat(scores.output(i).getFields().get("twice_a"), is(2.0 * i));
        assertThat(scores.output(i).getFields().get("twice_b"), is(200.0 * i));
      }
      assertThat(s.score(batch.get(5)).getFields().get("twice_b"), is(1000.0));
    }
  }

  @Test
  void perFeatureInputsThatDisagreeOnTheBatchSizeAreRejectedAtLoad() {
    ModelLoadException e =
        assertThrows(ModelLoadException.class, () -> twoFeatures(Shape.of(4, 1), Shape.of(8, 1)));
    assertThat(
        e.getMessage(),
        allOf(
            containsString("input 'a' (shape [4, 1]) takes 4 record(s) per run"),
            containsString("input 'b' (shape [8, 1]) takes 8"),
            containsString("batch dimensions must agree")));
  }

  @Test
  void aScalarInputBesideAFixedBatchIsRejectedAtLoad() {
    ModelLoadException e =
        assertThrows(ModelLoadException.class, () -> twoFeatures(Shape.scalar(), Shape.of(4)));
    assertThat(
        e.getMessage(),
        allOf(containsString("input 'a' (shape []) takes 1"), containsString("'b' (shape [4])")));
  }

  @Test
  void anInputOfRankThreeIsRejectedAtLoad() {
    ModelLoadException e =
        assertThrows(
            ModelLoadException.class, () -> twoFeatures(Shape.of(-1, 1, 1), Shape.of(-1, 1)));
    assertThat(
        e.getMessage(),
        allOf(
            containsString("input 'a' has shape [-1, 1, 1]"),
            containsString("one value per record, to a scalar, [n] or [n, 1] input")));
  }
}

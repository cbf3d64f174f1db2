package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models that cannot score several records in one run still score batches, record by record, and
 * are remembered not to batch.
 */
class BatchFallbackTest {
  @TempDir Path dir;

  private static List<Features> xs(double... values) {
    List<Features> rows = new ArrayList<>();
    for (double v : values) {
      rows.add(Features.builder().put("x", v).build());
    }
    return rows;
  }

  @Test
  void aScalarInputIsScoredRecordByRecord() throws Exception {
    TinyModels.scalarInput(dir.resolve("scalar"));
    try (Scorer s =
        TfTestSupport.loadSavedModel(
            dir.resolve("scalar"), InputMapping.newBuilder(), OutputMapping.newBuilder())) {
      assertThat(s.maxBatchSize(), is(1));
      List<Features> batch = xs(1, 2, 3, 4);
      batch.set(2, Features.builder().put("x", "three").build());
      BatchScores scores = s.scoreBatch(batch);
      assertThat(scores.output(0).getValue(), closeTo(3, 1e-6));
      assertThat(scores.output(1).getValue(), closeTo(5, 1e-6));
      assertThat(scores.failure(2), is("feature 'x' must be numeric but is 'three'"));
      assertThat(scores.output(3).getValue(), closeTo(9, 1e-6));
      assertThat(scores.output(3).getFields().get("y"), is(scores.output(3).getValue()));
    }
  }

  @Test
  void anOutputDeclaredWithoutTheBatchDimensionIsScoredRecordByRecord() throws Exception {
    TinyModels.unbatchedOutput(dir.resolve("unbatched"));
    try (Scorer s =
        TfTestSupport.loadSavedModel(
            dir.resolve("unbatched"),
            InputMapping.newBuilder(),
            OutputMapping.newBuilder().addOutputs("total"))) {
      assertThat(s.maxBatchSize(), is(1));
      BatchScores scores = s.scoreBatch(xs(1, 2, 3));
      for (int i = 0; i < 3; i++) {
        assertThat("record " + i, scores.output(i).getValue(), closeTo(3 * (i + 1), 1e-5));
      }
    }
  }

  @Test
  void anOutputFoundWithoutTheBatchDimensionFallsBackAndIsRemembered() throws Exception {
    TinyModels.unbatchedOutput(dir.resolve("unbatched"));
    try (Scorer s =
        TfTestSupport.loadSavedModel(
            dir.resolve("unbatched"),
            InputMapping.newBuilder(),
            OutputMapping.newBuilder().addOutputs("total_of_unknown_shape"))) {
      assertThat("not known yet", s.maxBatchSize(), is(Integer.MAX_VALUE));
      List<Features> batch = xs(1, 2, 3, 4, 5);
      batch.set(1, Features.builder().build());
      BatchScores scores = s.scoreBatch(batch);
      assertThat(scores.failure(1), is("missing feature 'x'"));
      for (int i : new int[] {0, 2, 3, 4}) {
        assertThat("record " + i, scores.output(i).getValue(), closeTo(3 * (i + 1), 1e-5));
      }
      assertThat("remembered", s.maxBatchSize(), is(1));
      BatchScores again = s.scoreBatch(xs(10, 20));
      assertThat(again.output(0).getValue(), closeTo(30, 1e-5));
      assertThat(again.output(1).getValue(), closeTo(60, 1e-5));
    }
  }

  @Test
  void aModelThatFailsOnSeveralRowsFallsBackAndIsRemembered() throws Exception {
    TinyModels.oneRowOnly(dir.resolve("one-row"));
    try (Scorer s =
        TfTestSupport.loadSavedModel(
            dir.resolve("one-row"),
            InputMapping.newBuilder().addTensorColumns("x0").addTensorColumns("x1"),
            OutputMapping.newBuilder())) {
      List<Features> batch = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        batch.add(Features.builder().put("x0", i).put("x1", 2 * i).build());
      }
      BatchScores scores = s.scoreBatch(batch);
      for (int i = 0; i < 4; i++) {
        assertThat(scores.output(i).getValue(), closeTo(TinyModels.linearPrediction(i, 2 * i), 1e-5));
      }
      assertThat("remembered", s.maxBatchSize(), is(1));
    }
  }

  @Test
  void aRecordTensorFlowRejectsFailsAloneAndTheModelKeepsBatching() throws Exception {
    TinyModels.parsesText(dir.resolve("parse"));
    try (Scorer s =
        TfTestSupport.loadSavedModel(
            dir.resolve("parse"), InputMapping.newBuilder(), OutputMapping.newBuilder())) {
      List<Features> batch =
          List.of(
              Features.builder().put("s", "1.5").build(),
              Features.builder().put("s", "not a number").build(),
              Features.builder().put("s", "-2").build());
      BatchScores scores = s.scoreBatch(batch);
      assertThat(scores.output(0).getValue(), closeTo(1.5, 1e-6));
      assertThat(scores.output(2).getValue(), closeTo(-2, 1e-6));
      String reason =
          assertThrows(InvalidRecordException.class, () -> s.score(batch.get(1))).getMessage();
      assertThat(reason, containsString("TensorFlow could not score the record"));
      assertThat(scores.failure(1), is(reason));
      assertThat("one bad record does not stop batching", s.maxBatchSize(), is(Integer.MAX_VALUE));
      BatchScores good = s.scoreBatch(List.of(batch.get(0), batch.get(2)));
      assertThat(good.output(1).getValue(), closeTo(-2, 1e-6));
    }
  }
}

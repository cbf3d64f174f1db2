package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

/**
 * A batch is one session run: on a linear model whose output "rows" tells how many rows the run
 * was fed.
 */
class BatchRunsTest {
  @TempDir static Path dir;
  private static Scorer scorer;

  @BeforeAll
  static void load() throws Exception {
    TinyModels.linear(dir.resolve("linear"), Shape.of(-1, 2));
    scorer =
        TfTestSupport.loadSavedModel(
            dir.resolve("linear"),
            InputMapping.newBuilder().addTensorColumns("x0").addTensorColumns("x1"),
            OutputMapping.newBuilder().addOutputs("y").addOutputs("twice").addOutputs("rows"));
  }

  @AfterAll
  static void close() {
    scorer.close();
  }

  static Features row(double x0, double x1) {
    return Features.builder().put("x0", x0).put("x1", x1).build();
  }

  static List<Features> rows(int n) {
    List<Features> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(row(i, 0.5 * i - 1));
    }
    return rows;
  }

  @Test
  void aBatchIsScoredInOneRunOfOneRowPerRecord() throws Exception {
    List<Features> batch = rows(10);
    BatchScores scores = scorer.scoreBatch(batch);
    for (int i = 0; i < 10; i++) {
      ModelOutput out = scores.output(i);
      assertThat(out.getValue(), closeTo(TinyModels.linearPrediction(i, 0.5 * i - 1), 1e-5));
      assertThat(out.getFields().get("rows"), is(10.0));
    }
    assertThat(scorer.score(batch.get(3)).getFields().get("rows"), is(1.0));
    assertThat(scorer.maxBatchSize(), is(Integer.MAX_VALUE));
  }

  @Test
  void recordsThatCannotBeFedAreLeftOutOfTheRun() {
    List<Features> batch = rows(10);
    batch.set(0, Features.builder().put("x1", 1).build());
    batch.set(4, Features.builder().put("x0", "four").put("x1", 1).build());
    batch.set(9, Features.builder().put("x0", 1).put("x1", "one").build());
    BatchScores scores = scorer.scoreBatch(batch);
    assertThat(scores.failure(0), is("missing feature 'x0'"));
    assertThat(scores.failure(4), is("feature 'x0' must be numeric but is 'four'"));
    assertThat(scores.failure(9), is("feature 'x1' must be numeric but is 'one'"));
    for (int i = 1; i < 9; i++) {
      if (i != 4) {
        assertThat("record " + i, scores.output(i).getFields().get("rows"), is(7.0));
        assertThat(
            "record " + i,
            scores.output(i).getValue(),
            closeTo(TinyModels.linearPrediction(i, 0.5 * i - 1), 1e-5));
      }
    }
  }

  @Test
  void everyOutputWithOneValuePerRecordIsAFieldInTheConfiguredOrder() throws Exception {
    ModelOutput out = scorer.scoreBatch(rows(3)).output(2);
    assertThat(out.getFields().keySet(), contains("y", "twice", "rows"));
    double y = TinyModels.linearPrediction(2, 0);
    assertThat(out.getValue(), closeTo(y, 1e-5));
    assertThat((Double) out.getFields().get("y"), closeTo(y, 1e-5));
    assertThat((Double) out.getFields().get("twice"), closeTo(2 * y, 1e-5));
    ModelOutput single = scorer.score(rows(3).get(2));
    assertThat(single.getFields().keySet(), contains("y", "twice", "rows"));
    assertThat((Double) single.getFields().get("twice"), closeTo(2 * y, 1e-5));
  }
}

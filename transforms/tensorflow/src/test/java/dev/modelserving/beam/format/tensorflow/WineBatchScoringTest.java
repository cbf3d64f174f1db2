package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The three wine models score batches as they score single records. */
class WineBatchScoringTest {
  private static final int ROWS = 2000;
  /** Batched kernels may round differently in the last bits. */
  private static final double TOLERANCE = 1e-5;

  private static List<Features> rows;
  private static Scorer packed;
  private static Scorer named;
  private static Scorer frozen;
  private static Map<Scorer, BatchScores> single;

  @BeforeAll
  static void load() throws Exception {
    rows = TfTestSupport.wineRows(ROWS);
    assertThat("wine rows", rows.size(), is(ROWS));
    packed = new SavedModelFormat().load(TfTestSupport.packedDescriptor());
    named = new SavedModelFormat().load(TfTestSupport.namedDescriptor());
    frozen = new FrozenGraphFormat().load(TfTestSupport.frozenDescriptor());
    single =
        Map.of(
            packed, BatchChecks.scoreOneByOne(packed, rows),
            named, BatchChecks.scoreOneByOne(named, rows),
            frozen, BatchChecks.scoreOneByOne(frozen, rows));
  }

  @AfterAll
  static void close() {
    packed.close();
    named.close();
    frozen.close();
  }

  /** Each model with the name of its only output. The tests must not close the scorers. */
  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("packed SavedModel", packed, "quality"),
        Arguments.of("SavedModel with named inputs", named, "quality_score"),
        Arguments.of("frozen graph", frozen, "quality"));
  }

  static Stream<Arguments> modelsAndBatchSizes() {
    return models()
        .flatMap(
            m ->
                Stream.of(1, 16, 256, 333)
                    .map(size -> Arguments.of(m.get()[0], m.get()[1], size)));
  }

  @ParameterizedTest(name = "{0}, batches of {2}", autoCloseArguments = false)
  @MethodSource("modelsAndBatchSizes")
  void batchesGiveTheSingleRecordResults(String model, Scorer scorer, int size) {
    BatchScores expected = single.get(scorer);
    for (int i = 0; i < ROWS; i++) {
      assertThat("every wine row scores alone", expected.isScored(i), is(true));
    }
    BatchScores batched = BatchChecks.scoreInBatches(scorer, rows, size);
    BatchChecks.assertSameResults(expected, batched, TOLERANCE);
    assertThat("the model still batches", scorer.maxBatchSize(), is(Integer.MAX_VALUE));
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("models")
  void theOutputIsANamedField(String model, Scorer scorer, String output) throws Exception {
    for (ModelOutput out :
        List.of(scorer.score(rows.get(0)), scorer.scoreBatch(rows.subList(0, 8)).output(3))) {
      assertThat(out.getFields().keySet(), contains(output));
      assertThat(out.getFields().get(output), is(out.getValue()));
    }
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("models")
  void badRecordsFailAloneWithTheirSingleRecordReason(String model, Scorer scorer)
      throws Exception {
    List<Features> batch = new ArrayList<>(rows.subList(0, 16));
    batch.set(0, TfTestSupport.with(batch.get(0), "alcohol", null));
    batch.set(5, TfTestSupport.with(batch.get(5), "pH", "acidic"));
    batch.set(6, TfTestSupport.with(batch.get(6), "density", "heavy"));
    batch.set(15, TfTestSupport.with(batch.get(15), "chlorides", null));

    BatchScores scores = scorer.scoreBatch(batch);

    assertThat(scores.failure(0), containsString("missing feature 'alcohol'"));
    assertThat(scores.failure(5), containsString("feature 'pH' must be numeric but is 'acidic'"));
    assertThat(scores.failure(6), containsString("feature 'density' must be numeric"));
    assertThat(scores.failure(15), containsString("missing feature 'chlorides'"));
    for (int i : new int[] {0, 5, 6, 15}) {
      Features bad = batch.get(i);
      String reason = assertThrows(InvalidRecordException.class, () -> scorer.score(bad)).getMessage();
      assertThat("record " + i, scores.failure(i), is(reason));
    }
    BatchChecks.assertSameResults(BatchChecks.scoreOneByOne(scorer, batch), scores, TOLERANCE);
    for (int i = 1; i < 15; i++) {
      assertThat("record " + i, scores.isScored(i), is(i != 5 && i != 6));
    }
    assertThat("the model still batches", scorer.maxBatchSize(), is(Integer.MAX_VALUE));
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("models")
  void aBatchOfOnlyBadRecordsOrOfOneGoodRecord(String model, Scorer scorer) throws Exception {
    Features bad = TfTestSupport.with(rows.get(0), "alcohol", null);
    BatchScores allBad = scorer.scoreBatch(List.of(bad, bad, bad));
    for (int i = 0; i < 3; i++) {
      assertThat(allBad.failure(i), containsString("missing feature 'alcohol'"));
    }
    BatchScores oneGood = scorer.scoreBatch(List.of(bad, rows.get(1), bad));
    assertThat(oneGood.isScored(0), is(false));
    assertThat(oneGood.isScored(2), is(false));
    BatchChecks.assertSameOutput(
        "the good record", scorer.score(rows.get(1)), oneGood.output(1), TOLERANCE);
    assertThat(scorer.scoreBatch(List.of()).size(), is(0));
  }
}

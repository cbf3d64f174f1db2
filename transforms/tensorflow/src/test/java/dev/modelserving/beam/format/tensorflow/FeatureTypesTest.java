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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-feature inputs of type double, int64, string and float, of rank 1, 2 and unknown. */
class FeatureTypesTest {
  @TempDir static Path dir;
  private static Scorer scorer;

  @BeforeAll
  static void load() throws Exception {
    TinyModels.mixedInputs(dir.resolve("mixed"));
    scorer =
        new SavedModelFormat()
            .load(
                TfTestSupport.descriptor(
                    SavedModelFormat.ID,
                    TfTestSupport.zip(dir.resolve("mixed")),
                    InputMapping.newBuilder().putFieldByInput("c", "word"),
                    OutputMapping.newBuilder().setSignature("mixed")));
  }

  @AfterAll
  static void close() {
    scorer.close();
  }

  @Test
  void eachInputGetsItsOwnTypeAndShape() throws Exception {
    Features f =
        Features.builder().put("a", 1.25).put("b", 3).put("word", "hello").put("d", 0.5).build();
    assertThat(scorer.score(f).getValue(), closeTo(1.25 + 3 + 5 + 0.5, 1e-6));
  }

  @Test
  void numbersGivenAsTextAreParsed() throws Exception {
    Features f =
        Features.builder().put("a", "2").put("b", "4").put("word", "ab").put("d", "1").build();
    assertThat(scorer.score(f).getValue(), closeTo(2 + 4 + 2 + 1, 1e-6));
  }

  @Test
  void aNumberFeedsAStringInputAsText() throws Exception {
    Features f = Features.builder().put("a", 0).put("b", 0).put("word", 12.5).put("d", 0).build();
    assertThat(scorer.score(f).getValue(), closeTo("12.5".length(), 1e-6));
  }

  @Test
  void aFractionForAnIntegerInputIsRejected() {
    Features f =
        Features.builder().put("a", 1).put("b", 2.5).put("word", "x").put("d", 0).build();
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> scorer.score(f));
    assertThat(e.getMessage(), containsString("'b'"));
  }

  @Test
  void aBatchFeedsEachTypeAsAColumnAndBadRecordsFailAlone() {
    List<Features> batch = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      batch.add(
          Features.builder()
              .put("a", 0.25 * i)
              .put("b", i)
              .put("word", "w".repeat(i))
              .put("d", -i)
              .build());
    }
    batch.set(2, TfTestSupport.with(batch.get(2), "b", 2.5));
    batch.set(5, TfTestSupport.with(batch.get(5), "word", null));
    BatchScores scores = scorer.scoreBatch(batch);
    BatchChecks.assertSameResults(BatchChecks.scoreOneByOne(scorer, batch), scores, 1e-6);
    assertThat(scores.failure(2), containsString("'b'"));
    assertThat(scores.failure(5), containsString("missing feature 'word'"));
    for (int i : new int[] {0, 1, 3, 4, 6, 7}) {
      // a + b + length(word) + d = 0.25 i + i + i - i
      assertThat("record " + i, scores.output(i).getValue(), closeTo(1.25 * i, 1e-6));
    }
    // "d" has an unknown rank (not a scalar): it is fed [records] and the model batches.
    assertThat(scorer.maxBatchSize(), is(Integer.MAX_VALUE));
  }

  @Test
  void aMissingStringFieldIsRejected() {
    Features f = Features.builder().put("a", 1).put("b", 2).put("d", 0).build();
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> scorer.score(f));
    assertThat(e.getMessage(), containsString("missing feature 'word'"));
  }
}

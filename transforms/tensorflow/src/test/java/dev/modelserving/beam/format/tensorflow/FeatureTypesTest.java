package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.nio.file.Path;
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
  void aMissingStringFieldIsRejected() {
    Features f = Features.builder().put("a", 1).put("b", 2).put("d", 0).build();
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> scorer.score(f));
    assertThat(e.getMessage(), containsString("missing feature 'word'"));
  }
}

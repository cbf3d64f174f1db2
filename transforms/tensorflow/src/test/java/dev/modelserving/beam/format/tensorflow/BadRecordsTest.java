package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.Scorer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records a model cannot score are rejected with the field at fault, for every kind of model. */
class BadRecordsTest {
  private static List<Scorer> scorers;
  private static Features row;

  @BeforeAll
  static void load() throws Exception {
    scorers =
        List.of(
            new SavedModelFormat().load(TfTestSupport.packedDescriptor()),
            new SavedModelFormat().load(TfTestSupport.namedDescriptor()),
            new FrozenGraphFormat().load(TfTestSupport.frozenDescriptor()));
    row = TfTestSupport.wineRows(1).get(0);
  }

  @AfterAll
  static void close() {
    scorers.forEach(Scorer::close);
  }

  @Test
  void aMissingField() throws Exception {
    Features missing = TfTestSupport.with(row, "alcohol", null);
    for (Scorer s : scorers) {
      s.score(row); // the complete row is fine
      InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> s.score(missing));
      assertThat(e.getMessage(), containsString("missing feature 'alcohol'"));
    }
  }

  @Test
  void textInANumericField() {
    Features text = TfTestSupport.with(row, "pH", "acidic");
    for (Scorer s : scorers) {
      InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> s.score(text));
      assertThat(e.getMessage(), containsString("feature 'pH' must be numeric but is 'acidic'"));
    }
  }

  @Test
  void theScorerStillWorksAfterABadRecord() throws Exception {
    Features text = TfTestSupport.with(row, "density", "heavy");
    for (Scorer s : scorers) {
      double before = s.score(row).getValue();
      assertThrows(InvalidRecordException.class, () -> s.score(text));
      assertThat(s.score(row).getValue(), is(before));
    }
  }
}

package dev.modelserving.beam.format.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.Scorer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** input_mapping.field_by_input renames model inputs to record fields. */
class PmmlInputMappingTest {
  private static final byte[] SPACED = PmmlTestSupport.resource("spaced-names.pmml");

  private static Scorer mapped(Map<String, String> fieldByInput) throws Exception {
    return new PmmlModelFormat().load(PmmlTestSupport.descriptor(SPACED, fieldByInput));
  }

  @Test
  void mappedInputsReadTheMappedRecordFields() throws Exception {
    try (Scorer scorer = mapped(Map.of("fixed acidity", "fixed_acidity", "alcohol.pct", "alcohol"))) {
      assertThat(scorer.requiredFields(), contains("fixed_acidity", "alcohol"));
      for (Features row : PmmlTestSupport.wineRows(400)) {
        double expected = 2.0 + 0.1 * (Double) row.get("fixed_acidity") + 0.3 * (Double) row.get("alcohol");
        assertThat(scorer.score(row).getValue(), closeTo(expected, 1e-12));
      }
    }
  }

  @Test
  void unmappedInputsKeepTheirOwnName() throws Exception {
    try (Scorer scorer = mapped(Map.of("fixed acidity", "fixed_acidity"))) {
      assertThat(scorer.requiredFields(), contains("fixed_acidity", "alcohol.pct"));
      Features row = Features.builder().put("fixed_acidity", 5).put("alcohol.pct", 12).build();
      assertThat(scorer.score(row).getValue(), closeTo(2.0 + 0.5 + 3.6, 1e-12));
    }
  }

  @Test
  void errorsNameTheMappedRecordField() throws Exception {
    try (Scorer scorer = mapped(Map.of("fixed acidity", "fixed_acidity"))) {
      Features text = Features.builder().put("fixed_acidity", "sour").put("alcohol.pct", 12).build();
      InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> scorer.score(text));
      assertThat(e.getMessage(), allOf(containsString("'fixed_acidity'"), containsString("'fixed acidity'")));

      Features missing = Features.builder().put("fixed acidity", 5).put("alcohol.pct", 12).build();
      e = assertThrows(InvalidRecordException.class, () -> scorer.score(missing));
      assertThat(e.getMessage(), containsString("fixed_acidity"));
    }
  }
}

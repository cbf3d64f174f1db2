package dev.modelserving.beam.format.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.Scorer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records a model cannot score give an InvalidRecordException that names the field, never a raw JPMML error. */
class PmmlBadRecordsTest {
  private static final Features ROW = PmmlTestSupport.wineRows(1).get(0);
  private static Scorer linear;
  private static Scorer tree;
  private static Scorer glm;

  @BeforeAll
  static void load() throws Exception {
    linear = PmmlTestSupport.load(PmmlTestSupport.demoModel("wine-linear.pmml"));
    tree = PmmlTestSupport.load(PmmlTestSupport.demoModel("wine-tree.pmml"));
    glm = PmmlTestSupport.load(PmmlTestSupport.resource("glm-poisson-r.pmml"));
  }

  @AfterAll
  static void close() {
    List.of(linear, tree, glm).forEach(Scorer::close);
  }

  private static Features with(String field, Object value) {
    Map<String, Object> values = new LinkedHashMap<>(ROW.asMap());
    values.put(field, value);
    return Features.of(values);
  }

  @Test
  void missingNumericFieldIsNamed() {
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> linear.score(with("alcohol", null)));
    assertThat(e.getMessage(), allOf(containsString("alcohol"), containsString("missing")));
  }

  @Test
  void missingCategoricalFieldInATreeIsNamed() {
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> tree.score(with("wine_type", null)));
    assertThat(e.getMessage(), allOf(containsString("wine_type"), containsString("missing")));
  }

  @Test
  void textInANumericFieldIsNamed() {
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> linear.score(with("alcohol", "twelve")));
    assertThat(e.getMessage(),
        allOf(containsString("'alcohol'"), containsString("'twelve'"), containsString("numeric")));
    assertThrows(InvalidRecordException.class, () -> tree.score(with("alcohol", "n/a")));
  }

  @Test
  void numberAsTextIsAccepted() throws Exception {
    double alcohol = (Double) ROW.get("alcohol");
    assertThat(linear.score(with("alcohol", Double.toString(alcohol))), equalTo(linear.score(ROW)));
  }

  @Test
  void unknownCategoryWithReturnInvalidIsNamed() {
    Features purple = Features.builder().put("temp", 1.0).put("color", "purple").build();
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> glm.score(purple));
    assertThat(e.getMessage(),
        allOf(containsString("'color'"), containsString("'purple'"), containsString("does not know")));
  }

  @Test
  void unknownWineTypeIsNamedByBothDemoModels() {
    for (Scorer scorer : List.of(linear, tree)) {
      InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> scorer.score(with("wine_type", "rosé")));
      assertThat(e.getMessage(), allOf(containsString("wine_type"), containsString("rosé")));
    }
  }

  @Test
  void emptyRecordNamesTheMissingFields() {
    InvalidRecordException e =
        assertThrows(InvalidRecordException.class, () -> glm.score(Features.builder().build()));
    assertThat(e.getMessage(),
        allOf(containsString("'temp'"), containsString("does not accept a missing value")));
  }
}

package dev.modelserving.beam.training;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a teacher's answer becomes a student's label, and the reasons when it cannot. */
class TeacherAnswersTest {
  private static final List<String> FEATURES = List.of("a", "b");

  private static TeacherAnswers classes(String... classes) {
    return new TeacherAnswers(TrainingSpec.logisticRegression("d", "s", "y", FEATURES, List.of(classes)));
  }

  @Test
  void aClassLabelIsMatchedByItsText() throws Exception {
    assertThat(classes("low", "medium", "high").label(ModelOutput.label("high", Map.of())), equalTo(2.0));
  }

  @Test
  void aNumberTeachesTheNearestNumericClass() throws Exception {
    TeacherAnswers quality = classes("3", "4", "5", "6", "7", "8", "9");
    assertThat(quality.label(ModelOutput.value(5.7)), equalTo(3.0));
    assertThat(quality.label(ModelOutput.value(5.4)), equalTo(2.0));
    assertThat(quality.label(ModelOutput.value(1.0)), equalTo(0.0));
    assertThat(quality.label(ModelOutput.value(12.0)), equalTo(6.0));
  }

  @Test
  void aLinearStudentLearnsTheValueOrANumericLabel() throws Exception {
    TeacherAnswers values = new TeacherAnswers(TrainingSpec.linearRegression("d", "s", "y", FEATURES));
    assertThat(values.label(ModelOutput.value(5.25)), equalTo(5.25));
    assertThat(values.label(ModelOutput.label("7", Map.of())), equalTo(7.0));
    InvalidRecordException text = assertThrows(InvalidRecordException.class,
        () -> values.label(ModelOutput.label("high", Map.of())));
    assertThat(text.getMessage(), containsString("not a finite number a linear student can learn"));
    assertThrows(InvalidRecordException.class, () -> values.label(ModelOutput.value(Double.NaN)));
  }

  @Test
  void anAnswerThatNamesNoClassIsRefusedWithTheClasses() {
    InvalidRecordException unknown = assertThrows(InvalidRecordException.class,
        () -> classes("low", "high").label(ModelOutput.label("medium", Map.of())));
    assertThat(unknown.getMessage(), containsString("'medium', which is not one of the student's classes [low, high]"));
    InvalidRecordException number = assertThrows(InvalidRecordException.class,
        () -> classes("low", "high").label(ModelOutput.value(0.7)));
    assertThat(number.getMessage(), containsString("only when every class is a number"));
  }
}

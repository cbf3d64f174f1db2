package dev.modelserving.beam.training;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.util.List;

/**
 * How closely a distilled student follows its teacher on records neither saw, both loaded through
 * their format plug-ins and scored in one batch each, as serving scores them: for the report a
 * distillation owes, next to the holdout metrics in the student's lineage.
 *
 * <pre>{@code
 * StudentFidelity f = StudentFidelity.ofClasses(forest, student, unseen, "quality_class");
 * f.agreement();   // the share of records on which both answer the same class
 * }</pre>
 *
 * @param agreement classes: the share of records on which they answer the same class; values: R²,
 *     the share of the variance of the teacher's answers the student explains
 * @param student classes: the student's accuracy against the labels; values: its rmse against them
 * @param teacher the same for the teacher
 * @param records the records measured
 */
public record StudentFidelity(double agreement, double student, double teacher, int records) {

  /**
   * A classifier student of a classifier teacher; the label of a record is the text of its {@code
   * labelField}.
   *
   * @throws ModelLoadException if either model cannot be loaded
   * @throws IllegalStateException if either model does not score a record, naming it
   */
  public static StudentFidelity ofClasses(ModelDescriptor teacher, ModelDescriptor student, List<Features> records,
      String labelField) throws ModelLoadException {
    BatchScores t = score(teacher, records);
    BatchScores s = score(student, records);
    int same = 0;
    int studentRight = 0;
    int teacherRight = 0;
    for (int i = 0; i < records.size(); i++) {
      String truth = text(records.get(i), labelField);
      String teacherSays = answer(t, i, teacher).getLabel();
      String studentSays = answer(s, i, student).getLabel();
      same += teacherSays.equals(studentSays) ? 1 : 0;
      teacherRight += teacherSays.equals(truth) ? 1 : 0;
      studentRight += studentSays.equals(truth) ? 1 : 0;
    }
    int n = records.size();
    return new StudentFidelity((double) same / n, (double) studentRight / n, (double) teacherRight / n, n);
  }

  /**
   * A regression student of a regression teacher; the label of a record is the number in its {@code
   * labelField}.
   *
   * @throws ModelLoadException if either model cannot be loaded
   * @throws IllegalStateException if either model does not score a record, naming it
   */
  public static StudentFidelity ofValues(ModelDescriptor teacher, ModelDescriptor student, List<Features> records,
      String labelField) throws ModelLoadException {
    BatchScores t = score(teacher, records);
    BatchScores s = score(student, records);
    double sum = 0;
    double squares = 0;
    double between = 0;
    double studentErrors = 0;
    double teacherErrors = 0;
    int n = records.size();
    for (int i = 0; i < n; i++) {
      double truth = number(records.get(i), labelField);
      double teacherSays = answer(t, i, teacher).getValue();
      double studentSays = answer(s, i, student).getValue();
      sum += teacherSays;
      squares += teacherSays * teacherSays;
      between += (studentSays - teacherSays) * (studentSays - teacherSays);
      studentErrors += (studentSays - truth) * (studentSays - truth);
      teacherErrors += (teacherSays - truth) * (teacherSays - truth);
    }
    double variance = squares / n - (sum / n) * (sum / n);
    return new StudentFidelity(1 - (between / n) / variance, Math.sqrt(studentErrors / n), Math.sqrt(teacherErrors / n), n);
  }

  private static String text(Features record, String field) {
    try {
      return record.getText(field);
    } catch (InvalidRecordException e) {
      throw new IllegalStateException("a record has no label: " + e.getMessage(), e);
    }
  }

  private static double number(Features record, String field) {
    try {
      return record.getNumber(field);
    } catch (InvalidRecordException e) {
      throw new IllegalStateException("a record has no label: " + e.getMessage(), e);
    }
  }

  private static ModelOutput answer(BatchScores scores, int i, ModelDescriptor model) {
    if (!scores.isScored(i)) {
      throw new IllegalStateException(model.getName() + " did not score record " + i + ": " + scores.failure(i));
    }
    return scores.output(i);
  }

  private static BatchScores score(ModelDescriptor model, List<Features> records) throws ModelLoadException {
    try (Scorer scorer = ModelFormats.load(model)) {
      return scorer.scoreBatch(records);
    }
  }
}

package dev.modelserving.beam.benchmarks.distill;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.List;

/**
 * How closely a student follows its teacher on wines neither saw, both loaded through their format
 * plug-ins as serving loads them.
 *
 * @param agreement classes: the share of wines on which they answer the same class; values: R², the
 *     share of the variance of the teacher's answers the student explains
 * @param student classes: the student's accuracy against the labels; values: its rmse against them
 * @param teacher the same for the teacher
 * @param records the wines measured
 */
record Fidelity(double agreement, double student, double teacher, int records) {

  /** A classifier student of a classifier teacher, against {@code quality_class}. */
  static Fidelity ofClasses(ModelDescriptor teacher, ModelDescriptor student, List<Features> wines)
      throws ModelLoadException {
    BatchScores t = score(teacher, wines);
    BatchScores s = score(student, wines);
    int same = 0;
    int studentRight = 0;
    int teacherRight = 0;
    for (int i = 0; i < wines.size(); i++) {
      String truth = (String) wines.get(i).get(DistilWines.QUALITY_CLASS);
      String teacherSays = answer(t, i, teacher).getLabel();
      String studentSays = answer(s, i, student).getLabel();
      same += teacherSays.equals(studentSays) ? 1 : 0;
      teacherRight += teacherSays.equals(truth) ? 1 : 0;
      studentRight += studentSays.equals(truth) ? 1 : 0;
    }
    int n = wines.size();
    return new Fidelity((double) same / n, (double) studentRight / n, (double) teacherRight / n, n);
  }

  /** A regression student of a regression teacher, against {@code quality}. */
  static Fidelity ofValues(ModelDescriptor teacher, ModelDescriptor student, List<Features> wines)
      throws ModelLoadException {
    BatchScores t = score(teacher, wines);
    BatchScores s = score(student, wines);
    double sum = 0;
    double squares = 0;
    double between = 0;
    double studentErrors = 0;
    double teacherErrors = 0;
    int n = wines.size();
    for (int i = 0; i < n; i++) {
      double truth = (Double) wines.get(i).get(WineSchema.QUALITY);
      double teacherSays = answer(t, i, teacher).getValue();
      double studentSays = answer(s, i, student).getValue();
      sum += teacherSays;
      squares += teacherSays * teacherSays;
      between += (studentSays - teacherSays) * (studentSays - teacherSays);
      studentErrors += (studentSays - truth) * (studentSays - truth);
      teacherErrors += (teacherSays - truth) * (teacherSays - truth);
    }
    double variance = squares / n - (sum / n) * (sum / n);
    return new Fidelity(1 - (between / n) / variance, Math.sqrt(studentErrors / n), Math.sqrt(teacherErrors / n), n);
  }

  private static ModelOutput answer(BatchScores scores, int i, ModelDescriptor model) {
    if (!scores.isScored(i)) {
      throw new IllegalStateException(model.getName() + " did not score wine " + i + ": " + scores.failure(i));
    }
    return scores.output(i);
  }

  private static BatchScores score(ModelDescriptor model, List<Features> wines) throws ModelLoadException {
    try (Scorer scorer = ModelFormats.load(model)) {
      return scorer.scoreBatch(wines);
    }
  }
}

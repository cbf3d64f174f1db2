package dev.modelserving.beam.training;

import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelOutput;
import java.util.List;

/**
 * Turns a teacher's answer into a student's label: a class index for a logistic student, a value
 * for a linear one. A class is matched by the teacher's label text; a teacher that answers with a
 * number (a regression) teaches a logistic student the class whose name is the nearest number, when
 * every class name is a number (e.g. quality 5.7 teaches class "6").
 */
final class TeacherAnswers {
  private final List<String> classes;
  private final double[] numericClasses;

  TeacherAnswers(TrainingSpec student) {
    this.classes = student.classes();
    this.numericClasses = numbers(classes);
  }

  /** The student's label for the teacher's answer. */
  double label(ModelOutput answer) throws InvalidRecordException {
    if (classes.isEmpty()) {
      if (answer.getValue() != null && Double.isFinite(answer.getValue())) {
        return answer.getValue();
      }
      if (answer.getLabel() != null) {
        try {
          double v = Double.parseDouble(answer.getLabel().trim());
          if (Double.isFinite(v)) {
            return v;
          }
        } catch (NumberFormatException notANumber) {
          // reported below
        }
      }
      throw new InvalidRecordException("the teacher answered " + answer + ", not a finite number a linear student"
          + " can learn");
    }
    if (answer.getLabel() != null) {
      int c = classes.indexOf(answer.getLabel());
      if (c < 0) {
        throw new InvalidRecordException("the teacher answered class '" + answer.getLabel()
            + "', which is not one of the student's classes " + classes);
      }
      return c;
    }
    if (answer.getValue() != null && Double.isFinite(answer.getValue()) && numericClasses != null) {
      return nearest(answer.getValue());
    }
    throw new InvalidRecordException("the teacher answered " + answer + ", which names none of the student's classes "
        + classes + (numericClasses == null ? " (a number is matched to a class only when every class is a number)" : ""));
  }

  private int nearest(double value) {
    int best = 0;
    for (int c = 1; c < numericClasses.length; c++) {
      if (Math.abs(numericClasses[c] - value) < Math.abs(numericClasses[best] - value)) {
        best = c;
      }
    }
    return best;
  }

  private static double[] numbers(List<String> classes) {
    if (classes.isEmpty()) {
      return null;
    }
    double[] n = new double[classes.size()];
    for (int i = 0; i < n.length; i++) {
      try {
        n[i] = Double.parseDouble(classes.get(i).trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return n;
  }
}

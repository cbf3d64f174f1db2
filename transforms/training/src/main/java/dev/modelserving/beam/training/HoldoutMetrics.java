package dev.modelserving.beam.training;

import dev.modelserving.beam.training.sgd.ModelKind;
import dev.modelserving.beam.training.sgd.Predictions;
import dev.modelserving.beam.training.sgd.Standardizer;
import dev.modelserving.beam.training.sgd.Weights;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How well weights predict held-out examples: {@code accuracy} and {@code log_loss} for classes,
 * {@code rmse} and {@code mae} for values. Empty when there is nothing held out.
 *
 * <p>For a distilled student, whose labels are its teacher's answers, the same measures are named
 * for the teacher ({@code agreement}, {@code teacher_log_loss}; {@code teacher_rmse}, {@code
 * teacher_mae}, and {@code teacher_r2}, the share of the variance of the teacher's answers the
 * student explains), and, on the held-out records that carry their own label, the student's and the
 * teacher's accuracy against it ({@code label_accuracy}, {@code teacher_label_accuracy}; {@code
 * label_rmse}, {@code teacher_label_rmse}).
 */
final class HoldoutMetrics {
  static final String ACCURACY = "accuracy";
  static final String LOG_LOSS = "log_loss";
  static final String RMSE = "rmse";
  static final String MAE = "mae";
  static final String AGREEMENT = "agreement";
  static final String TEACHER_LOG_LOSS = "teacher_log_loss";
  static final String TEACHER_RMSE = "teacher_rmse";
  static final String TEACHER_MAE = "teacher_mae";
  static final String TEACHER_R2 = "teacher_r2";
  static final String LABEL_ACCURACY = "label_accuracy";
  static final String TEACHER_LABEL_ACCURACY = "teacher_label_accuracy";
  static final String LABEL_RMSE = "label_rmse";
  static final String TEACHER_LABEL_RMSE = "teacher_label_rmse";
  private static final double MIN_PROBABILITY = 1e-15;

  private HoldoutMetrics() {}

  static Map<String, Double> of(ModelKind kind, Standardizer standardizer, Weights weights, List<Example> examples) {
    return of(kind, standardizer, weights, examples, false);
  }

  static Map<String, Double> of(ModelKind kind, Standardizer standardizer, Weights weights, List<Example> examples,
      boolean distilled) {
    Map<String, Double> metrics = new TreeMap<>();
    if (examples.isEmpty() || standardizer == null) {
      return metrics;
    }
    double[] z = new double[standardizer.features()];
    boolean values = kind == ModelKind.LINEAR_REGRESSION;
    double a = 0;
    double b = 0;
    double labelSum = 0;
    double labelSquares = 0;
    int referenced = 0;
    double studentVsReference = 0;
    double teacherVsReference = 0;
    for (Example e : examples) {
      standardizer.apply(e.features, z);
      double answer;
      if (values) {
        answer = Predictions.value(weights, z);
        double error = answer - e.label;
        a += error * error;
        b += Math.abs(error);
        labelSum += e.label;
        labelSquares += e.label * e.label;
      } else {
        double[] p = Predictions.probabilities(weights, kind, z);
        int label = (int) e.label;
        answer = argmax(p);
        a += answer == label ? 1 : 0;
        b -= Math.log(Math.max(p[label], MIN_PROBABILITY));
      }
      if (distilled && e.hasReference()) {
        referenced++;
        studentVsReference += values ? square(answer - e.reference) : answer == e.reference ? 1 : 0;
        teacherVsReference += values ? square(e.label - e.reference) : e.label == e.reference ? 1 : 0;
      }
    }
    int n = examples.size();
    if (values) {
      metrics.put(distilled ? TEACHER_RMSE : RMSE, Math.sqrt(a / n));
      metrics.put(distilled ? TEACHER_MAE : MAE, b / n);
      double variance = labelSquares / n - square(labelSum / n);
      if (distilled && variance > 0) {
        metrics.put(TEACHER_R2, 1 - (a / n) / variance);
      }
    } else {
      metrics.put(distilled ? AGREEMENT : ACCURACY, a / n);
      metrics.put(distilled ? TEACHER_LOG_LOSS : LOG_LOSS, b / n);
    }
    if (referenced > 0) {
      metrics.put(values ? LABEL_RMSE : LABEL_ACCURACY,
          values ? Math.sqrt(studentVsReference / referenced) : studentVsReference / referenced);
      metrics.put(values ? TEACHER_LABEL_RMSE : TEACHER_LABEL_ACCURACY,
          values ? Math.sqrt(teacherVsReference / referenced) : teacherVsReference / referenced);
    }
    return metrics;
  }

  private static double square(double v) {
    return v * v;
  }

  /** The first index of the largest value, as a served classifier picks its class. */
  static int argmax(double[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }
}

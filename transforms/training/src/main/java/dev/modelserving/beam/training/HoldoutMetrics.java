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
 */
final class HoldoutMetrics {
  static final String ACCURACY = "accuracy";
  static final String LOG_LOSS = "log_loss";
  static final String RMSE = "rmse";
  static final String MAE = "mae";
  private static final double MIN_PROBABILITY = 1e-15;

  private HoldoutMetrics() {}

  static Map<String, Double> of(ModelKind kind, Standardizer standardizer, Weights weights, List<Example> examples) {
    Map<String, Double> metrics = new TreeMap<>();
    if (examples.isEmpty() || standardizer == null) {
      return metrics;
    }
    double[] z = new double[standardizer.features()];
    double a = 0;
    double b = 0;
    for (Example e : examples) {
      standardizer.apply(e.features, z);
      if (kind == ModelKind.LINEAR_REGRESSION) {
        double error = Predictions.value(weights, z) - e.label;
        a += error * error;
        b += Math.abs(error);
      } else {
        double[] p = Predictions.probabilities(weights, kind, z);
        int label = (int) e.label;
        a += argmax(p) == label ? 1 : 0;
        b -= Math.log(Math.max(p[label], MIN_PROBABILITY));
      }
    }
    int n = examples.size();
    if (kind == ModelKind.LINEAR_REGRESSION) {
      metrics.put(RMSE, Math.sqrt(a / n));
      metrics.put(MAE, b / n);
    } else {
      metrics.put(ACCURACY, a / n);
      metrics.put(LOG_LOSS, b / n);
    }
    return metrics;
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

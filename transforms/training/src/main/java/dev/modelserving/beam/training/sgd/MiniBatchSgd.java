package dev.modelserving.beam.training.sgd;

/**
 * One gradient step per mini-batch. The gradient is that of the mean loss over the batch plus the
 * L2 penalty (see {@link SgdSettings}); the step size is the learning rate at the model's update
 * count, so a model continued from saved weights goes on with its schedule.
 *
 * <p>Losses and their gradients with respect to output {@code o}'s linear value {@code z}:
 * <ul>
 *   <li>linear regression: {@code (z - y)^2 / 2}, gradient {@code z - y};
 *   <li>binary logistic: log loss of {@code sigmoid(z)}, gradient {@code sigmoid(z) - y} for y in {0, 1};
 *   <li>multinomial logistic: log loss of {@code softmax(z)}, gradient {@code p_o - [o == y]}.
 * </ul>
 */
public final class MiniBatchSgd {
  private MiniBatchSgd() {}

  /**
   * The weights after one step on a mini-batch.
   *
   * @param weights the weights before the step (not changed)
   * @param settings the model kind, shape, schedule and penalty
   * @param features one row of {@code settings.features()} values per example
   * @param labels one label per example: the value (regression) or the class index
   * @throws IllegalArgumentException for an empty batch, mismatched shapes, a non-finite value or
   *     a class index out of range, naming the example
   */
  public static Weights step(Weights weights, SgdSettings settings, double[][] features, double[] labels) {
    check(weights, settings, features, labels);
    int outputs = settings.outputs();
    int width = settings.features();
    double[][] gradient = new double[outputs][width];
    double[] interceptGradient = new double[outputs];
    double[] z = new double[outputs];
    for (int i = 0; i < features.length; i++) {
      double[] x = features[i];
      weights.linear(x, z);
      outputGradients(settings.kind(), z, labels[i]);
      for (int o = 0; o < outputs; o++) {
        double g = z[o];
        interceptGradient[o] += g;
        double[] row = gradient[o];
        for (int f = 0; f < width; f++) {
          row[f] += g * x[f];
        }
      }
    }
    double rate = settings.learningRate().at(weights.updates());
    double n = features.length;
    double[][] coefficients = weights.coefficients();
    double[] intercepts = weights.intercepts();
    for (int o = 0; o < outputs; o++) {
      for (int f = 0; f < width; f++) {
        coefficients[o][f] -= rate * (gradient[o][f] / n + settings.l2() * coefficients[o][f]);
      }
      intercepts[o] -= rate * interceptGradient[o] / n;
    }
    return new Weights(coefficients, intercepts, weights.updates() + 1);
  }

  /** Replaces the linear outputs {@code z} by the loss gradient with respect to each. */
  static void outputGradients(ModelKind kind, double[] z, double label) {
    switch (kind) {
      case LINEAR_REGRESSION -> z[0] = z[0] - label;
      case BINARY_LOGISTIC -> z[0] = sigmoid(z[0]) - label;
      case MULTINOMIAL_LOGISTIC -> {
        softmaxInPlace(z);
        z[(int) label] -= 1;
      }
    }
  }

  /** The logistic function, without overflow for large |z|. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }

  /** Softmax of {@code z}, in place, shifted by the maximum so that large values do not overflow. */
  public static void softmaxInPlace(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < z.length; i++) {
      z[i] = Math.exp(z[i] - max);
      sum += z[i];
    }
    for (int i = 0; i < z.length; i++) {
      z[i] /= sum;
    }
  }

  private static void check(Weights weights, SgdSettings settings, double[][] features, double[] labels) {
    if (features.length == 0) {
      throw new IllegalArgumentException("a mini-batch needs at least one example");
    }
    if (features.length != labels.length) {
      throw new IllegalArgumentException(features.length + " feature rows but " + labels.length + " labels");
    }
    if (weights.outputs() != settings.outputs() || weights.features() != settings.features()) {
      throw new IllegalArgumentException("the weights have " + weights.outputs() + " output(s) of "
          + weights.features() + " features; the settings want " + settings.outputs() + " of " + settings.features());
    }
    for (int i = 0; i < features.length; i++) {
      if (features[i].length != settings.features()) {
        throw new IllegalArgumentException("example " + i + " has " + features[i].length + " features, not "
            + settings.features());
      }
      for (int f = 0; f < features[i].length; f++) {
        if (!Double.isFinite(features[i][f])) {
          throw new IllegalArgumentException("example " + i + " feature " + f + " is not finite: " + features[i][f]);
        }
      }
      double y = labels[i];
      boolean valid = switch (settings.kind()) {
        case LINEAR_REGRESSION -> Double.isFinite(y);
        case BINARY_LOGISTIC -> y == 0 || y == 1;
        case MULTINOMIAL_LOGISTIC -> y >= 0 && y < settings.classes() && y == Math.rint(y);
      };
      if (!valid) {
        throw new IllegalArgumentException("example " + i + " has label " + y + ", which a "
            + settings.kind().name().toLowerCase(java.util.Locale.ROOT) + " model with " + settings.classes()
            + " classes cannot learn");
      }
    }
  }
}

package dev.modelserving.beam.training.sgd;

/** What trained weights predict for one example, as the exported model must predict it too. */
public final class Predictions {
  private Predictions() {}

  /** Linear regression: the predicted value. */
  public static double value(Weights weights, double[] x) {
    double[] z = new double[weights.outputs()];
    weights.linear(x, z);
    return z[0];
  }

  /**
   * Classification: one probability per class, in class-index order (binary: {@code [P(0), P(1)]}).
   */
  public static double[] probabilities(Weights weights, ModelKind kind, double[] x) {
    double[] z = new double[weights.outputs()];
    weights.linear(x, z);
    switch (kind) {
      case BINARY_LOGISTIC -> {
        double one = MiniBatchSgd.sigmoid(z[0]);
        return new double[] {1 - one, one};
      }
      case MULTINOMIAL_LOGISTIC -> {
        MiniBatchSgd.softmaxInPlace(z);
        return z;
      }
      default -> throw new IllegalArgumentException("a " + kind + " model predicts a value, not probabilities");
    }
  }
}

package dev.modelserving.beam.training.sgd;

/**
 * The intercepts a model trained from zero starts with, fitted on its first mini-batch as the
 * standardization is: the mean label for a linear regression, the log-odds of the positive class
 * for a binary logistic one, the centred log frequencies of the classes (add-one smoothed) for a
 * multinomial one. With standardized features a model at these intercepts predicts the batch's
 * average, so SGD spends its first steps on the features rather than on the level.
 */
public final class StartingIntercepts {
  private static final double MIN_SHARE = 1e-3;

  private StartingIntercepts() {}

  /** The intercepts for {@code settings}' model from the labels of a first batch (not empty). */
  public static double[] fit(SgdSettings settings, double[] labels) {
    int n = labels.length;
    switch (settings.kind()) {
      case LINEAR_REGRESSION -> {
        double sum = 0;
        for (double y : labels) {
          sum += y;
        }
        return new double[] {sum / n};
      }
      case BINARY_LOGISTIC -> {
        double positive = 0;
        for (double y : labels) {
          positive += y;
        }
        double share = Math.min(1 - MIN_SHARE, Math.max(MIN_SHARE, positive / n));
        return new double[] {Math.log(share / (1 - share))};
      }
      default -> {
        int classes = settings.classes();
        double[] counts = new double[classes];
        for (double y : labels) {
          counts[(int) y]++;
        }
        double[] intercepts = new double[classes];
        double mean = 0;
        for (int c = 0; c < classes; c++) {
          intercepts[c] = Math.log((counts[c] + 1) / (n + classes));
          mean += intercepts[c] / classes;
        }
        for (int c = 0; c < classes; c++) {
          intercepts[c] -= mean;
        }
        return intercepts;
      }
    }
  }
}

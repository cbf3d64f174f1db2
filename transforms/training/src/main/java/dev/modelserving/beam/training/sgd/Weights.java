package dev.modelserving.beam.training.sgd;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The parameters of a linear model, immutable: one row of coefficients and one intercept per
 * output, and how many updates made them (which the learning-rate schedule continues from).
 */
public final class Weights implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[][] coefficients;
  private final double[] intercepts;
  private final long updates;

  /**
   * @param coefficients one row of {@code features} coefficients per output
   * @param intercepts one intercept per output
   * @param updates the mini-batch updates applied so far
   */
  public Weights(double[][] coefficients, double[] intercepts, long updates) {
    if (coefficients.length == 0 || coefficients.length != intercepts.length) {
      throw new IllegalArgumentException("one row of coefficients per intercept, and at least one: "
          + coefficients.length + " rows, " + intercepts.length + " intercepts");
    }
    int features = coefficients[0].length;
    this.coefficients = new double[coefficients.length][];
    for (int o = 0; o < coefficients.length; o++) {
      if (coefficients[o].length != features) {
        throw new IllegalArgumentException("every row needs " + features + " coefficients, row " + o + " has "
            + coefficients[o].length);
      }
      this.coefficients[o] = coefficients[o].clone();
    }
    this.intercepts = intercepts.clone();
    if (updates < 0) {
      throw new IllegalArgumentException("updates must be 0 or more, was " + updates);
    }
    this.updates = updates;
  }

  /** All zero, before any update: the starting point of a model trained from scratch. */
  public static Weights zero(SgdSettings settings) {
    return new Weights(new double[settings.outputs()][settings.features()], new double[settings.outputs()], 0);
  }

  public int outputs() {
    return intercepts.length;
  }

  public int features() {
    return coefficients[0].length;
  }

  /** The coefficient of {@code feature} in output {@code output}. */
  public double coefficient(int output, int feature) {
    return coefficients[output][feature];
  }

  public double intercept(int output) {
    return intercepts[output];
  }

  public long updates() {
    return updates;
  }

  /** A copy of the coefficients, one row per output. */
  public double[][] coefficients() {
    double[][] copy = new double[coefficients.length][];
    for (int o = 0; o < copy.length; o++) {
      copy[o] = coefficients[o].clone();
    }
    return copy;
  }

  /** A copy of the intercepts. */
  public double[] intercepts() {
    return intercepts.clone();
  }

  /** The linear outputs for features {@code x}, written into {@code out} (one per output). */
  void linear(double[] x, double[] out) {
    for (int o = 0; o < intercepts.length; o++) {
      double[] row = coefficients[o];
      double sum = intercepts[o];
      for (int f = 0; f < row.length; f++) {
        sum += row[f] * x[f];
      }
      out[o] = sum;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Weights w && updates == w.updates && Arrays.equals(intercepts, w.intercepts)
        && Arrays.deepEquals(coefficients, w.coefficients);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(coefficients) * 31 + Arrays.hashCode(intercepts) + Long.hashCode(updates);
  }

  @Override
  public String toString() {
    return "Weights{updates=" + updates + ", intercepts=" + Arrays.toString(intercepts) + ", coefficients="
        + Arrays.deepToString(coefficients) + "}";
  }
}

package dev.modelserving.beam.training.sgd;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Centres and scales each feature, {@code z = (x - mean) / scale}, so that one learning rate suits
 * features of any unit. A trainer fits it once, on its first mini-batch, and keeps it: weights
 * learnt on standardized features stay comparable from one batch to the next. {@link #fold}
 * rewrites such weights for raw features, which is what an exported model scores.
 */
public final class Standardizer implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double MIN_SCALE = 1e-12;

  private final double[] means;
  private final double[] scales;

  /**
   * @param means one mean per feature
   * @param scales one scale per feature, each finite and greater than 0
   */
  public Standardizer(double[] means, double[] scales) {
    if (means.length != scales.length || means.length == 0) {
      throw new IllegalArgumentException("one mean and one scale per feature: " + means.length + " means, "
          + scales.length + " scales");
    }
    for (int f = 0; f < means.length; f++) {
      if (!Double.isFinite(means[f]) || !Double.isFinite(scales[f]) || scales[f] <= 0) {
        throw new IllegalArgumentException("feature " + f + " has mean " + means[f] + " and scale " + scales[f]
            + " (both must be finite, the scale greater than 0)");
      }
    }
    this.means = means.clone();
    this.scales = scales.clone();
  }

  /** Leaves features as they are. */
  public static Standardizer identity(int features) {
    double[] ones = new double[features];
    Arrays.fill(ones, 1.0);
    return new Standardizer(new double[features], ones);
  }

  /** The means and standard deviations of {@code x} (rows are examples); a constant feature gets scale 1. */
  public static Standardizer fit(double[][] x) {
    if (x.length == 0) {
      throw new IllegalArgumentException("no examples to fit a standardizer on");
    }
    int n = x[0].length;
    double[] mean = new double[n];
    double[] m2 = new double[n];
    for (int i = 0; i < x.length; i++) {
      for (int f = 0; f < n; f++) {
        double delta = x[i][f] - mean[f];
        mean[f] += delta / (i + 1);
        m2[f] += delta * (x[i][f] - mean[f]);
      }
    }
    double[] scale = new double[n];
    for (int f = 0; f < n; f++) {
      double sd = Math.sqrt(m2[f] / x.length);
      scale[f] = sd > MIN_SCALE ? sd : 1.0;
    }
    return new Standardizer(mean, scale);
  }

  public int features() {
    return means.length;
  }

  public double mean(int feature) {
    return means[feature];
  }

  public double scale(int feature) {
    return scales[feature];
  }

  /** The standardized features of {@code x}, written into {@code z}. */
  public void apply(double[] x, double[] z) {
    for (int f = 0; f < means.length; f++) {
      z[f] = (x[f] - means[f]) / scales[f];
    }
  }

  /** The standardized copy of every row of {@code x}. */
  public double[][] apply(double[][] x) {
    double[][] z = new double[x.length][means.length];
    for (int i = 0; i < x.length; i++) {
      apply(x[i], z[i]);
    }
    return z;
  }

  /**
   * Weights for raw features that compute what {@code standardized} computes on standardized ones:
   * {@code c_f / scale_f} and {@code b - sum c_f mean_f / scale_f}.
   */
  public Weights fold(Weights standardized) {
    return transform(standardized, true);
  }

  /** The inverse of {@link #fold}: weights for standardized features from weights for raw ones. */
  public Weights unfold(Weights raw) {
    return transform(raw, false);
  }

  private Weights transform(Weights w, boolean fold) {
    if (w.features() != means.length) {
      throw new IllegalArgumentException("weights for " + w.features() + " features, standardizer for " + means.length);
    }
    double[][] c = w.coefficients();
    double[] b = w.intercepts();
    for (int o = 0; o < c.length; o++) {
      for (int f = 0; f < means.length; f++) {
        c[o][f] = fold ? c[o][f] / scales[f] : c[o][f] * scales[f];
        // with c the raw coefficient in both directions: b_raw = b_std - sum(c_raw * mean)
        double raw = fold ? c[o][f] : w.coefficient(o, f);
        b[o] += (fold ? -1 : 1) * raw * means[f];
      }
    }
    return new Weights(c, b, w.updates());
  }

  /** True if this standardizer changes nothing. */
  public boolean isIdentity() {
    for (int f = 0; f < means.length; f++) {
      if (means[f] != 0 || scales[f] != 1) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardizer s && Arrays.equals(means, s.means) && Arrays.equals(scales, s.scales);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(means) + Arrays.hashCode(scales);
  }

  @Override
  public String toString() {
    return "Standardizer{means=" + Arrays.toString(means) + ", scales=" + Arrays.toString(scales) + "}";
  }
}

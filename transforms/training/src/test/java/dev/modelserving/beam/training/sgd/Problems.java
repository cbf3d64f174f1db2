package dev.modelserving.beam.training.sgd;

import java.util.Random;

/** Seeded test problems and independent reference solutions for the SGD tests. */
final class Problems {
  private Problems() {}

  /** A data set: features and labels. */
  record Data(double[][] x, double[] y) {
    /** Rows {@code from} (inclusive) to {@code to} (exclusive). */
    Data rows(int from, int to) {
      double[][] xs = new double[to - from][];
      double[] ys = new double[to - from];
      for (int i = from; i < to; i++) {
        xs[i - from] = x[i];
        ys[i - from] = y[i];
      }
      return new Data(xs, ys);
    }
  }

  /** y = 3 + 2 x0 - x1 + 0.5 x2 + noise, features standard normal. */
  static Data linear(int n, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][3];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < 3; f++) {
        x[i][f] = r.nextGaussian();
      }
      y[i] = 3 + 2 * x[i][0] - x[i][1] + 0.5 * x[i][2] + 0.3 * r.nextGaussian();
    }
    return new Data(x, y);
  }

  /** Labels 0/1 drawn from sigmoid(-0.5 + 1.5 x0 - 2 x1). */
  static Data binary(int n, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = r.nextGaussian();
      x[i][1] = r.nextGaussian();
      y[i] = r.nextDouble() < MiniBatchSgd.sigmoid(-0.5 + 1.5 * x[i][0] - 2 * x[i][1]) ? 1 : 0;
    }
    return new Data(x, y);
  }

  /** Three classes around the centres (2, 0), (-1, 1.7) and (-1, -1.7), unit spread. */
  static Data threeClasses(int n, long seed) {
    Random r = new Random(seed);
    double[][] centres = {{2, 0}, {-1, 1.7}, {-1, -1.7}};
    double[][] x = new double[n][2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(3);
      x[i][0] = centres[c][0] + r.nextGaussian();
      x[i][1] = centres[c][1] + r.nextGaussian();
      y[i] = c;
    }
    return new Data(x, y);
  }

  /**
   * The ridge solution [intercept, coefficients...] of the mean squared loss plus l2/2 |b|^2, from
   * the normal equations (X'X/n + l2 I') w = X'y/n with an unpenalised intercept column.
   */
  static double[] ridge(Data d, double l2) {
    int k = d.x()[0].length + 1;
    double[][] a = new double[k][k];
    double[] b = new double[k];
    int n = d.x().length;
    for (int i = 0; i < n; i++) {
      double[] row = withOne(d.x()[i]);
      for (int p = 0; p < k; p++) {
        b[p] += row[p] * d.y()[i] / n;
        for (int q = 0; q < k; q++) {
          a[p][q] += row[p] * row[q] / n;
        }
      }
    }
    for (int p = 1; p < k; p++) {
      a[p][p] += l2;
    }
    return solve(a, b);
  }

  /**
   * The penalised binary logistic fit [intercept, coefficients...] by Newton's method, an
   * algorithm independent of gradient descent.
   */
  static double[] logisticByNewton(Data d, double l2) {
    int k = d.x()[0].length + 1;
    int n = d.x().length;
    double[] w = new double[k];
    for (int iteration = 0; iteration < 50; iteration++) {
      double[] g = new double[k];
      double[][] h = new double[k][k];
      for (int i = 0; i < n; i++) {
        double[] row = withOne(d.x()[i]);
        double z = 0;
        for (int p = 0; p < k; p++) {
          z += w[p] * row[p];
        }
        double prob = MiniBatchSgd.sigmoid(z);
        for (int p = 0; p < k; p++) {
          g[p] += (prob - d.y()[i]) * row[p] / n;
          for (int q = 0; q < k; q++) {
            h[p][q] += prob * (1 - prob) * row[p] * row[q] / n;
          }
        }
      }
      for (int p = 1; p < k; p++) {
        g[p] += l2 * w[p];
        h[p][p] += l2;
      }
      double[] delta = solve(h, g);
      for (int p = 0; p < k; p++) {
        w[p] -= delta[p];
      }
    }
    return w;
  }

  private static double[] withOne(double[] x) {
    double[] row = new double[x.length + 1];
    row[0] = 1;
    System.arraycopy(x, 0, row, 1, x.length);
    return row;
  }

  /** Gaussian elimination with partial pivoting; a and b are changed. */
  static double[] solve(double[][] a, double[] b) {
    int k = b.length;
    for (int col = 0; col < k; col++) {
      int pivot = col;
      for (int r = col + 1; r < k; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] rowSwap = a[col];
      a[col] = a[pivot];
      a[pivot] = rowSwap;
      double bSwap = b[col];
      b[col] = b[pivot];
      b[pivot] = bSwap;
      for (int r = col + 1; r < k; r++) {
        double factor = a[r][col] / a[col][col];
        for (int c = col; c < k; c++) {
          a[r][c] -= factor * a[col][c];
        }
        b[r] -= factor * b[col];
      }
    }
    double[] x = new double[k];
    for (int r = k - 1; r >= 0; r--) {
      double sum = b[r];
      for (int c = r + 1; c < k; c++) {
        sum -= a[r][c] * x[c];
      }
      x[r] = sum / a[r][r];
    }
    return x;
  }
}

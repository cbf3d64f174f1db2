package dev.modelserving.beam.testdata.pmml;

/** Ordinary least squares by Householder QR, which stays accurate for nearly collinear columns. */
final class LeastSquares {
  private LeastSquares() {}

  /** The b minimising |a b - y|; a is n x k with n >= k and full column rank. Inputs are not changed. */
  static double[] solve(double[][] a, double[] y) {
    int n = a.length;
    int k = a[0].length;
    double[][] r = new double[n][];
    for (int i = 0; i < n; i++) {
      r[i] = a[i].clone();
    }
    double[] qty = y.clone();
    for (int j = 0; j < k; j++) {
      double norm = 0;
      for (int i = j; i < n; i++) {
        norm += r[i][j] * r[i][j];
      }
      norm = Math.sqrt(norm);
      if (norm == 0) {
        throw new IllegalArgumentException("column " + j + " is all zero: the design is rank deficient");
      }
      double alpha = r[j][j] > 0 ? -norm : norm;
      // Householder vector v = x - alpha e1, stored in column j below the diagonal.
      double[] v = new double[n - j];
      for (int i = j; i < n; i++) {
        v[i - j] = r[i][j];
      }
      v[0] -= alpha;
      double vv = 0;
      for (double vi : v) {
        vv += vi * vi;
      }
      for (int c = j; c < k; c++) {
        reflect(r, c, j, v, vv);
      }
      double dot = 0;
      for (int i = j; i < n; i++) {
        dot += v[i - j] * qty[i];
      }
      double f = 2 * dot / vv;
      for (int i = j; i < n; i++) {
        qty[i] -= f * v[i - j];
      }
    }
    double[] b = new double[k];
    for (int j = k - 1; j >= 0; j--) {
      double s = qty[j];
      for (int c = j + 1; c < k; c++) {
        s -= r[j][c] * b[c];
      }
      if (Math.abs(r[j][j]) < 1e-12) {
        throw new IllegalArgumentException("column " + j + " is collinear with the others");
      }
      b[j] = s / r[j][j];
    }
    return b;
  }

  private static void reflect(double[][] r, int column, int from, double[] v, double vv) {
    double dot = 0;
    for (int i = from; i < r.length; i++) {
      dot += v[i - from] * r[i][column];
    }
    double f = 2 * dot / vv;
    for (int i = from; i < r.length; i++) {
      r[i][column] -= f * v[i - from];
    }
  }
}

package dev.modelserving.beam.testdata.tensorflow;

/**
 * The parameters of the wine MLP: the standardisation constants of its eleven inputs, a dense ReLU
 * layer ({@code w1}: 11 x 16, {@code b1}: 16) and a linear output layer ({@code w2}: 16 x 1, {@code
 * b2}: 1). Arrays are shared, not copied: treat them as read-only.
 */
public final class WineMlpWeights {
  public final float[] mean;
  public final float[] std;
  public final float[][] w1;
  public final float[] b1;
  public final float[][] w2;
  public final float[] b2;

  public WineMlpWeights(
      float[] mean, float[] std, float[][] w1, float[] b1, float[][] w2, float[] b2) {
    this.mean = mean;
    this.std = std;
    this.w1 = w1;
    this.b1 = b1;
    this.w2 = w2;
    this.b2 = b2;
  }

  public int inputs() {
    return w1.length;
  }

  public int hidden() {
    return b1.length;
  }
}

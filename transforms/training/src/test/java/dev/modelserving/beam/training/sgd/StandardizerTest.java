package dev.modelserving.beam.training.sgd;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Standardization: fitted moments, folding into raw-feature weights and back. */
class StandardizerTest {
  @Test
  void fitsMeansAndStandardDeviationsAndLeavesAConstantFeatureUnscaled() {
    Standardizer s = Standardizer.fit(new double[][] {{1, 7}, {3, 7}, {5, 7}});
    assertThat(s.mean(0), closeTo(3, 1e-15));
    assertThat(s.scale(0), closeTo(Math.sqrt(8.0 / 3), 1e-15));
    assertThat(s.mean(1), closeTo(7, 1e-15));
    assertThat(s.scale(1), equalTo(1.0));
  }

  @Test
  void foldedWeightsOnRawFeaturesComputeWhatTheWeightsComputeOnStandardizedOnes() {
    Standardizer s = new Standardizer(new double[] {10, -3}, new double[] {4, 0.5});
    Weights standardized = new Weights(new double[][] {{0.7, -1.2}, {2, 0.1}}, new double[] {0.3, -0.4}, 9);
    Weights raw = s.fold(standardized);
    Random r = new Random(1);
    for (int i = 0; i < 20; i++) {
      double[] x = {10 + 4 * r.nextGaussian(), -3 + r.nextGaussian()};
      double[] z = new double[2];
      s.apply(x, z);
      double[] a = new double[2];
      double[] b = new double[2];
      standardized.linear(z, a);
      raw.linear(x, b);
      assertThat(b[0], closeTo(a[0], 1e-12));
      assertThat(b[1], closeTo(a[1], 1e-12));
    }
    Weights back = s.unfold(raw);
    assertThat(back.coefficient(1, 0), closeTo(2, 1e-14));
    assertThat(back.intercept(0), closeTo(0.3, 1e-13));
    assertThat(back.updates(), equalTo(9L));
  }
}

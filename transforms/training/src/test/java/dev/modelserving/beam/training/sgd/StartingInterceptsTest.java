package dev.modelserving.beam.training.sgd;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;

import org.junit.jupiter.api.Test;

/** The intercepts a model from zero starts with: the first batch's mean, log-odds or class log frequencies. */
class StartingInterceptsTest {
  private static SgdSettings settings(ModelKind kind, int classes) {
    return new SgdSettings(kind, 2, classes, LearningRate.constant(0.1), 0);
  }

  @Test
  void aLinearRegressionStartsAtTheMeanLabel() {
    double[] b = StartingIntercepts.fit(settings(ModelKind.LINEAR_REGRESSION, 0), new double[] {5, 6, 7, 6});
    assertThat(b[0], closeTo(6, 1e-12));
  }

  @Test
  void aBinaryLogisticRegressionStartsAtTheLogOddsOfThePositiveClass() {
    double[] b = StartingIntercepts.fit(settings(ModelKind.BINARY_LOGISTIC, 2), new double[] {1, 0, 0, 0});
    assertThat(b[0], closeTo(Math.log(0.25 / 0.75), 1e-12));
    double[] allPositive = StartingIntercepts.fit(settings(ModelKind.BINARY_LOGISTIC, 2), new double[] {1, 1});
    assertThat("a batch of one class gives a finite start", allPositive[0], closeTo(Math.log(0.999 / 0.001), 1e-9));
  }

  @Test
  void aMultinomialRegressionStartsAtTheCentredSmoothedLogFrequencies() {
    double[] b = StartingIntercepts.fit(settings(ModelKind.MULTINOMIAL_LOGISTIC, 3), new double[] {0, 0, 0, 1, 1, 2});
    // (3+1)/9, (2+1)/9, (1+1)/9, centred
    double l0 = Math.log(4.0 / 9);
    double l1 = Math.log(3.0 / 9);
    double l2 = Math.log(2.0 / 9);
    double mean = (l0 + l1 + l2) / 3;
    assertThat(b[0], closeTo(l0 - mean, 1e-12));
    assertThat(b[1], closeTo(l1 - mean, 1e-12));
    assertThat(b[2], closeTo(l2 - mean, 1e-12));
    double[] softmax = b.clone();
    MiniBatchSgd.softmaxInPlace(softmax);
    assertThat("predicts the smoothed class shares", softmax[0], closeTo(4.0 / 9, 1e-12));
  }
}

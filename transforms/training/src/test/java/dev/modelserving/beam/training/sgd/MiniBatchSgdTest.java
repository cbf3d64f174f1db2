package dev.modelserving.beam.training.sgd;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.training.sgd.Problems.Data;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/** The SGD update converges to solutions computed independently, and continues where it stopped. */
class MiniBatchSgdTest {

  @Test
  void fullBatchStepsReachTheLeastSquaresSolution() {
    Data d = Problems.linear(500, 1);
    for (double l2 : new double[] {0, 0.1}) {
      SgdSettings s = new SgdSettings(ModelKind.LINEAR_REGRESSION, 3, 0, LearningRate.constant(0.3), l2);
      Weights w = train(s, d, d.x().length, 400);
      double[] expected = Problems.ridge(d, l2);
      assertWeights(w, 0, expected, 1e-9);
    }
  }

  @Test
  void miniBatchesWithADecayingRateGetCloseToIt() {
    Data d = Problems.linear(5_000, 2);
    SgdSettings s = new SgdSettings(ModelKind.LINEAR_REGRESSION, 3, 0, LearningRate.inverseScaling(0.2, 0.01), 0);
    Weights w = train(s, d, 25, 4 * d.x().length / 25); // 4 passes, batches of 25
    assertWeights(w, 0, Problems.ridge(d, 0), 0.02);
  }

  @Test
  void binaryLogisticStepsReachNewtonsFit() {
    Data d = Problems.binary(800, 3);
    for (double l2 : new double[] {0, 0.05}) {
      SgdSettings s = new SgdSettings(ModelKind.BINARY_LOGISTIC, 2, 2, LearningRate.constant(2.0), l2);
      Weights w = train(s, d, d.x().length, 3_000);
      assertWeights(w, 0, Problems.logisticByNewton(d, l2), 1e-6);
    }
  }

  @Test
  void multinomialStepsReachAStationaryPointThatSeparatesTheClasses() {
    Data d = Problems.threeClasses(600, 4);
    double l2 = 0.01;
    SgdSettings s = new SgdSettings(ModelKind.MULTINOMIAL_LOGISTIC, 2, 3, LearningRate.constant(1.0), l2);
    Weights w = train(s, d, d.x().length, 3_000);
    // the full gradient of the penalised loss, computed here, vanishes at the optimum
    double[][] grad = new double[3][3];
    for (int i = 0; i < d.x().length; i++) {
      double[] p = probabilities(w, d.x()[i]);
      for (int c = 0; c < 3; c++) {
        double g = p[c] - (d.y()[i] == c ? 1 : 0);
        grad[c][0] += g / d.x().length;
        grad[c][1] += g * d.x()[i][0] / d.x().length;
        grad[c][2] += g * d.x()[i][1] / d.x().length;
      }
    }
    for (int c = 0; c < 3; c++) {
      assertThat(Math.abs(grad[c][0]), lessThan(1e-6));
      assertThat(Math.abs(grad[c][1] + l2 * w.coefficient(c, 0)), lessThan(1e-6));
      assertThat(Math.abs(grad[c][2] + l2 * w.coefficient(c, 1)), lessThan(1e-6));
    }
    int right = 0;
    for (int i = 0; i < d.x().length; i++) {
      double[] p = probabilities(w, d.x()[i]);
      int best = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;
      right += best == d.y()[i] ? 1 : 0;
    }
    assertThat((double) right / d.x().length, greaterThan(0.85));
  }

  @Test
  void continuingFromSavedWeightsEqualsTrainingWithoutAStop() throws Exception {
    Data d = Problems.linear(400, 5);
    SgdSettings s = new SgdSettings(ModelKind.LINEAR_REGRESSION, 3, 0, LearningRate.inverseScaling(0.1, 0.05), 0.01);
    Weights straight = train(s, d, 20, 20);
    Weights half = train(s, d.rows(0, 200), 20, 10);
    Weights restored = roundTrip(half);
    Weights continued = restored;
    for (int b = 10; b < 20; b++) {
      Data batch = d.rows(b * 20, b * 20 + 20);
      continued = MiniBatchSgd.step(continued, s, batch.x(), batch.y());
    }
    assertThat(continued.updates(), is(20L));
    assertThat(continued, equalTo(straight));
  }

  @Test
  void theScheduleFallsWithTheUpdateCount() {
    LearningRate rate = LearningRate.inverseScaling(0.5, 0.1);
    assertThat(rate.at(0), closeTo(0.5, 1e-15));
    assertThat(rate.at(10), closeTo(0.25, 1e-15));
    assertThat(LearningRate.constant(0.2).at(1_000_000), closeTo(0.2, 1e-15));
  }

  @Test
  void badInputIsRefusedNamingTheExample() {
    SgdSettings s = new SgdSettings(ModelKind.BINARY_LOGISTIC, 2, 2, LearningRate.constant(0.1), 0);
    Weights w = Weights.zero(s);
    var badLabel = assertThrows(IllegalArgumentException.class,
        () -> MiniBatchSgd.step(w, s, new double[][] {{1, 2}, {3, 4}}, new double[] {1, 2}));
    assertThat(badLabel.getMessage(), containsString("example 1 has label 2.0"));
    var notFinite = assertThrows(IllegalArgumentException.class,
        () -> MiniBatchSgd.step(w, s, new double[][] {{1, Double.NaN}}, new double[] {1}));
    assertThat(notFinite.getMessage(), containsString("example 0 feature 1 is not finite"));
    var empty = assertThrows(IllegalArgumentException.class,
        () -> MiniBatchSgd.step(w, s, new double[0][], new double[0]));
    assertThat(empty.getMessage(), containsString("at least one example"));
    var badRate = assertThrows(IllegalArgumentException.class, () -> LearningRate.constant(0));
    assertThat(badRate.getMessage(), containsString("greater than 0"));
    var badClasses = assertThrows(IllegalArgumentException.class,
        () -> new SgdSettings(ModelKind.BINARY_LOGISTIC, 2, 3, LearningRate.constant(0.1), 0));
    assertThat(badClasses.getMessage(), containsString("2 classes, was 3"));
  }

  @Test
  void sigmoidAndSoftmaxStayFiniteForLargeInputs() {
    assertThat(MiniBatchSgd.sigmoid(-800), closeTo(0, 1e-300));
    assertThat(MiniBatchSgd.sigmoid(800), closeTo(1, 1e-15));
    double[] z = {1000, 1000, -1000};
    MiniBatchSgd.softmaxInPlace(z);
    assertThat(z[0], closeTo(0.5, 1e-12));
    assertThat(z[2], closeTo(0, 1e-300));
  }

  /** {@code batches} steps over consecutive batches of {@code size} rows, wrapping around. */
  private static Weights train(SgdSettings s, Data d, int size, int batches) {
    Weights w = Weights.zero(s);
    int n = d.x().length;
    for (int b = 0; b < batches; b++) {
      int from = (b * size) % n;
      Data batch = d.rows(from, Math.min(n, from + size));
      w = MiniBatchSgd.step(w, s, batch.x(), batch.y());
    }
    return w;
  }

  private static void assertWeights(Weights w, int output, double[] expected, double tolerance) {
    assertThat("intercept of " + w, w.intercept(output), closeTo(expected[0], tolerance));
    for (int f = 1; f < expected.length; f++) {
      assertThat("coefficient " + (f - 1) + " of " + w, w.coefficient(output, f - 1), closeTo(expected[f], tolerance));
    }
  }

  private static double[] probabilities(Weights w, double[] x) {
    double[] z = new double[w.outputs()];
    w.linear(x, z);
    MiniBatchSgd.softmaxInPlace(z);
    return z;
  }

  private static Weights roundTrip(Weights w) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(w);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (Weights) in.readObject();
    }
  }
}

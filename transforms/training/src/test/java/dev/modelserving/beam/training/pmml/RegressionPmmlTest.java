package dev.modelserving.beam.training.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.closeTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.training.sgd.LearningRate;
import dev.modelserving.beam.training.sgd.MiniBatchSgd;
import dev.modelserving.beam.training.sgd.ModelKind;
import dev.modelserving.beam.training.sgd.Predictions;
import dev.modelserving.beam.training.sgd.SgdSettings;
import dev.modelserving.beam.training.sgd.Standardizer;
import dev.modelserving.beam.training.sgd.Weights;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.FieldValue;
import org.jpmml.evaluator.InputField;
import org.jpmml.evaluator.LoadingModelEvaluatorBuilder;
import org.jpmml.evaluator.ProbabilityDistribution;
import org.junit.jupiter.api.Test;

/** The exported PMML, scored by JPMML-Evaluator as serving scores it, predicts what the weights predict. */
class RegressionPmmlTest {
  private static final List<String> FEATURES = List.of("fixed acidity", "pH", "alcohol");
  /** Relative difference allowed: an evaluator may add the terms in another order (a few ulps). */
  private static final double SAME = 1e-13;

  @Test
  void linearRegressionScoresTheSameValues() throws Exception {
    SgdSettings s = new SgdSettings(ModelKind.LINEAR_REGRESSION, 3, 0, LearningRate.constant(0.02), 0.01);
    Weights w = trained(s, 7);
    Evaluator e = load(RegressionPmml.of(s, FEATURES, "quality").write(w));
    for (double[] x : rows(50, 8)) {
      Object value = e.evaluate(arguments(e, x)).get("quality");
      double expected = Predictions.value(w, x);
      assertThat(((Number) org.jpmml.evaluator.EvaluatorUtil.decode(value)).doubleValue(),
          closeTo(expected, SAME * Math.abs(expected)));
    }
  }

  @Test
  void binaryLogisticScoresTheSameProbabilities() throws Exception {
    SgdSettings s = new SgdSettings(ModelKind.BINARY_LOGISTIC, 3, 2, LearningRate.constant(0.5), 0.01);
    Weights w = trained(s, 9);
    Evaluator e = load(RegressionPmml.of(s, FEATURES, "good").withClasses(List.of("no", "yes")).write(w));
    for (double[] x : rows(50, 10)) {
      ProbabilityDistribution<?> p = (ProbabilityDistribution<?>) e.evaluate(arguments(e, x)).get("good");
      double[] expected = Predictions.probabilities(w, ModelKind.BINARY_LOGISTIC, x);
      assertThat(p.getProbability("yes"), closeTo(expected[1], SAME));
      assertThat(p.getProbability("no"), closeTo(expected[0], SAME));
    }
  }

  @Test
  void multinomialLogisticScoresTheSameProbabilities() throws Exception {
    SgdSettings s = new SgdSettings(ModelKind.MULTINOMIAL_LOGISTIC, 3, 3, LearningRate.constant(0.5), 0.01);
    Weights w = trained(s, 11);
    Evaluator e = load(RegressionPmml.of(s, FEATURES, "grade").withClasses(List.of("low", "mid", "high"))
        .withDescription("version 3 & <lineage>").write(w));
    List<String> labels = List.of("low", "mid", "high");
    for (double[] x : rows(50, 12)) {
      ProbabilityDistribution<?> p = (ProbabilityDistribution<?>) e.evaluate(arguments(e, x)).get("grade");
      double[] expected = Predictions.probabilities(w, ModelKind.MULTINOMIAL_LOGISTIC, x);
      for (int c = 0; c < 3; c++) {
        assertThat(labels.get(c), p.getProbability(labels.get(c)), closeTo(expected[c], SAME));
      }
    }
  }

  @Test
  void divergedWeightsAndMismatchedNamesAreRefused() {
    SgdSettings s = new SgdSettings(ModelKind.LINEAR_REGRESSION, 3, 0, LearningRate.constant(0.1), 0);
    Weights diverged = new Weights(new double[][] {{1, Double.POSITIVE_INFINITY, 0}}, new double[] {0}, 3);
    var e = assertThrows(IllegalArgumentException.class, () -> RegressionPmml.of(s, FEATURES, "y").write(diverged));
    assertThat(e.getMessage(), containsString("training diverged"));
    var names = assertThrows(IllegalArgumentException.class, () -> RegressionPmml.of(s, List.of("a", "b"), "y"));
    assertThat(names.getMessage(), containsString("3 feature names needed"));
  }

  @Test
  void aStandardizedModelIsFoldedSoThatTheFileScoresRawFeatures() throws Exception {
    SgdSettings s = new SgdSettings(ModelKind.MULTINOMIAL_LOGISTIC, 3, 3, LearningRate.constant(0.5), 0.01);
    Weights standardized = trained(s, 13);
    Standardizer st = new Standardizer(new double[] {0.5, -1, 20}, new double[] {3, 0.25, 40});
    Evaluator e = load(RegressionPmml.of(s, FEATURES, "grade").withClasses(List.of("low", "mid", "high"))
        .withStandardizer(st).write(standardized));
    for (double[] x : rows(50, 14)) {
      ProbabilityDistribution<?> p = (ProbabilityDistribution<?>) e.evaluate(arguments(e, x)).get("grade");
      double[] z = new double[3];
      st.apply(x, z);
      double[] expected = Predictions.probabilities(standardized, ModelKind.MULTINOMIAL_LOGISTIC, z);
      assertThat(p.getProbability("mid"), closeTo(expected[1], 1e-12));
      assertThat(p.getProbability("high"), closeTo(expected[2], 1e-12));
    }
  }

  @Test
  void whatIsWrittenReadsBackAsTheSameModel() {
    SgdSettings s = new SgdSettings(ModelKind.BINARY_LOGISTIC, 3, 2, LearningRate.constant(0.5), 0.01);
    Weights w = trained(s, 15);
    Standardizer st = new Standardizer(new double[] {1, 2, 3}, new double[] {4, 5, 6});
    ExportedModel m = RegressionPmmlReader.read(RegressionPmml.of(s, FEATURES, "good")
        .withClasses(List.of("no", "yes")).withModelName("m").withStandardizer(st).write(w)
        .getBytes(StandardCharsets.UTF_8));
    assertThat(m.kind(), org.hamcrest.Matchers.equalTo(ModelKind.BINARY_LOGISTIC));
    assertThat(m.features(), org.hamcrest.Matchers.equalTo(FEATURES));
    assertThat(m.target(), org.hamcrest.Matchers.equalTo("good"));
    assertThat(m.classes(), org.hamcrest.Matchers.equalTo(List.of("no", "yes")));
    assertThat(m.modelName(), org.hamcrest.Matchers.equalTo("m"));
    assertThat(m.standardizer(), org.hamcrest.Matchers.equalTo(st));
    assertThat(m.weights().updates(), org.hamcrest.Matchers.equalTo(w.updates()));
    for (int f = 0; f < 3; f++) {
      assertThat(m.weights().coefficient(0, f), closeTo(w.coefficient(0, f), 1e-12 * Math.abs(w.coefficient(0, f))));
    }
    assertThat(m.weights().intercept(0), closeTo(w.intercept(0), 1e-12));
  }

  @Test
  void anotherToolsRegressionReadsOnRawFeaturesFromUpdateZero() {
    String pmml = """
        <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
          <Header/>
          <DataDictionary><DataField name="a" optype="continuous" dataType="double"/>
            <DataField name="b" optype="continuous" dataType="double"/>
            <DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
          <RegressionModel functionName="regression">
            <MiningSchema><MiningField name="y" usageType="target"/><MiningField name="a"/><MiningField name="b"/></MiningSchema>
            <RegressionTable intercept="1.5"><NumericPredictor name="b" coefficient="-2"/></RegressionTable>
          </RegressionModel>
        </PMML>""";
    ExportedModel m = RegressionPmmlReader.read(pmml.getBytes(StandardCharsets.UTF_8));
    assertThat(m.kind(), org.hamcrest.Matchers.equalTo(ModelKind.LINEAR_REGRESSION));
    assertThat(m.features(), org.hamcrest.Matchers.equalTo(List.of("a", "b")));
    assertThat(m.standardizer().isIdentity(), org.hamcrest.Matchers.equalTo(true));
    assertThat(m.weights().coefficient(0, 0), closeTo(0, 0));
    assertThat(m.weights().coefficient(0, 1), closeTo(-2, 0));
    assertThat(m.weights().intercept(0), closeTo(1.5, 0));
    assertThat(m.weights().updates(), org.hamcrest.Matchers.equalTo(0L));
  }

  @Test
  void documentsItCannotContinueFromAreRefusedWithTheReason() {
    var doctype = assertThrows(IllegalArgumentException.class, () -> RegressionPmmlReader.read(
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><PMML>&e;</PMML>".getBytes(StandardCharsets.UTF_8)));
    assertThat(doctype.getMessage(), containsString("not a readable PMML document"));
    var tree = assertThrows(IllegalArgumentException.class, () -> RegressionPmmlReader.read(
        "<PMML xmlns=\"http://www.dmg.org/PMML-4_4\"><TreeModel/></PMML>".getBytes(StandardCharsets.UTF_8)));
    assertThat(tree.getMessage(), containsString("has no RegressionModel"));
    var categorical = assertThrows(IllegalArgumentException.class, () -> RegressionPmmlReader.read((
        "<PMML xmlns=\"http://www.dmg.org/PMML-4_4\"><RegressionModel functionName=\"regression\"><MiningSchema>"
            + "<MiningField name=\"y\" usageType=\"target\"/><MiningField name=\"c\"/></MiningSchema>"
            + "<RegressionTable intercept=\"0\"><CategoricalPredictor name=\"c\" value=\"red\" coefficient=\"1\"/>"
            + "</RegressionTable></RegressionModel></PMML>").getBytes(StandardCharsets.UTF_8)));
    assertThat(categorical.getMessage(), containsString("numeric predictors"));
  }

  private static Weights trained(SgdSettings s, long seed) {
    Random r = new Random(seed);
    Weights w = Weights.zero(s);
    for (int step = 0; step < 30; step++) {
      double[][] x = rows(16, r.nextLong()).toArray(double[][]::new);
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        double z = 1.5 * x[i][0] - x[i][1] + 0.25 * x[i][2];
        y[i] = switch (s.kind()) {
          case LINEAR_REGRESSION -> z;
          case BINARY_LOGISTIC -> z > 0 ? 1 : 0;
          case MULTINOMIAL_LOGISTIC -> z < -1 ? 0 : z < 1 ? 1 : 2;
        };
      }
      w = MiniBatchSgd.step(w, s, x, y);
    }
    assertThat("a model that learned something", Math.abs(w.coefficient(w.outputs() - 1, 0)), greaterThan(0.05));
    return w;
  }

  private static List<double[]> rows(int n, long seed) {
    Random r = new Random(seed);
    return java.util.stream.Stream.generate(() -> new double[] {r.nextGaussian() * 3, r.nextGaussian(), 1 + r.nextGaussian()})
        .limit(n).toList();
  }

  private static Evaluator load(String pmml) throws Exception {
    Evaluator e = new LoadingModelEvaluatorBuilder()
        .load(new ByteArrayInputStream(pmml.getBytes(StandardCharsets.UTF_8))).build();
    e.verify();
    return e;
  }

  private static Map<String, FieldValue> arguments(Evaluator e, double[] x) {
    Map<String, FieldValue> args = new LinkedHashMap<>();
    for (InputField f : e.getInputFields()) {
      args.put(f.getName(), f.prepare(x[FEATURES.indexOf(f.getName())]));
    }
    return args;
  }
}

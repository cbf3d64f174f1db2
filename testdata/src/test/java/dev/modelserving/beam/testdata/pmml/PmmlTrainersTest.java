package dev.modelserving.beam.testdata.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.LoadingModelEvaluatorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PMML trainers are reproducible, and the models they write are what they fitted. */
class PmmlTrainersTest {
  private static final long SEED = 42;
  private static final Path FILES = Paths.get(System.getProperty("testdata.dir", "files"));
  private static final Path WINE = FILES.resolve("wine.csv");
  private static final Path MODELS = FILES.resolve("models");

  @Test
  void linearModelIsReproducibleFromTheSeed(@TempDir Path dir) throws IOException {
    Path written = WineLinearTrainer.train(WINE, dir, SEED);
    assertThat(
        "re-run " + written + " differs from the committed model; regenerate it with WineLinearTrainer",
        Files.readAllBytes(written), equalTo(Files.readAllBytes(MODELS.resolve(WineLinearTrainer.FILE_NAME))));
  }

  @Test
  void treeModelIsReproducibleFromTheSeed(@TempDir Path dir) throws IOException {
    Path written = WineTreeTrainer.train(WINE, dir, SEED);
    assertThat(
        "re-run " + written + " differs from the committed model; regenerate it with WineTreeTrainer",
        Files.readAllBytes(written), equalTo(Files.readAllBytes(MODELS.resolve(WineTreeTrainer.FILE_NAME))));
  }

  @Test
  void leastSquaresResidualsAreOrthogonalToEveryColumn() throws IOException {
    WineTable train = WineTable.read(WINE).split(0.8, SEED)[0];
    double[] beta = WineLinearTrainer.fit(train);
    int k = WineSchema.NUMERIC_FEATURES.size();
    double[] gradient = new double[k + 2];
    double[] scale = new double[k + 2];
    for (int i = 0; i < train.size(); i++) {
      double r = train.quality[i] - WineLinearTrainer.predict(beta, train.x[i], train.red[i]);
      double[] row = new double[k + 2];
      row[0] = 1;
      System.arraycopy(train.x[i], 0, row, 1, k);
      row[k + 1] = train.red[i] ? 1 : 0;
      for (int j = 0; j < row.length; j++) {
        gradient[j] += row[j] * r;
        scale[j] += Math.abs(row[j] * train.quality[i]);
      }
    }
    for (int j = 0; j < gradient.length; j++) {
      assertThat("normal equation " + j, gradient[j] / scale[j], closeTo(0, 1e-9));
    }
  }

  @Test
  void leastSquaresRecoversAnExactLinearFunction() {
    double[][] a = {{1, 0, 2}, {1, 1, 3}, {1, 2, 5}, {1, 3, 4}, {1, 4, 9}};
    double[] y = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      y[i] = 0.5 - 2 * a[i][1] + 3 * a[i][2];
    }
    double[] b = LeastSquares.solve(a, y);
    assertThat(b[0], closeTo(0.5, 1e-12));
    assertThat(b[1], closeTo(-2, 1e-12));
    assertThat(b[2], closeTo(3, 1e-12));
  }

  @Test
  void linearPmmlPredictsWhatTheFitPredicts() throws Exception {
    WineTable train = WineTable.read(WINE).split(0.8, SEED)[0];
    double[] beta = WineLinearTrainer.fit(train);
    Evaluator evaluator = load(MODELS.resolve(WineLinearTrainer.FILE_NAME));
    WineTable all = WineTable.read(WINE);
    for (int i = 0; i < 50; i++) {
      Object got = EvaluatorUtil.decode(evaluator.evaluate(arguments(all, i)).get("quality"));
      assertThat(((Number) got).doubleValue(),
          closeTo(WineLinearTrainer.predict(beta, all.x[i], all.red[i]), 1e-9));
    }
  }

  @Test
  void treePmmlSplitsOnWineTypeAndPredictsWhatTheTreePredicts() throws Exception {
    Path file = MODELS.resolve(WineTreeTrainer.FILE_NAME);
    String xml = Files.readString(file);
    assertThat(xml, containsString("<SimplePredicate field=\"wine_type\" operator=\"equal\" value=\"red\"/>"));
    assertThat("the model file stays small", Files.size(file), lessThan(100_000L));

    WineTable[] parts = WineTable.read(WINE).split(0.8, SEED);
    CartTree tree = CartTree.grow(parts[0], WineTreeTrainer.CLASSES.size());
    Evaluator evaluator = load(file);
    int right = 0;
    WineTable holdout = parts[1];
    for (int i = 0; i < holdout.size(); i++) {
      Object label = EvaluatorUtil.decode(evaluator.evaluate(arguments(holdout, i)).get("quality_class"));
      String expected = WineTreeTrainer.CLASSES.get(tree.predict(holdout.x[i], holdout.red[i]));
      assertThat("holdout row " + i, label, equalTo(expected));
      right += expected.equals(WineTreeTrainer.CLASSES.get(WineTreeTrainer.qualityClass(holdout.quality[i]))) ? 1 : 0;
    }
    // Better than always answering the majority class ("medium", about half the rows).
    assertThat((double) right / holdout.size(), greaterThan(0.55));
  }

  private static Map<String, Object> arguments(WineTable t, int row) {
    Map<String, Object> args = new HashMap<>();
    for (int j = 0; j < WineSchema.NUMERIC_FEATURES.size(); j++) {
      args.put(WineSchema.NUMERIC_FEATURES.get(j), t.x[row][j]);
    }
    args.put(WineSchema.WINE_TYPE, t.red[row] ? "red" : "white");
    return args;
  }

  private static Evaluator load(Path file) throws Exception {
    Evaluator evaluator = new LoadingModelEvaluatorBuilder().load(file.toFile()).build();
    evaluator.verify();
    return evaluator;
  }
}

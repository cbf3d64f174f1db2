package dev.modelserving.beam.testdata.pmml;

import dev.modelserving.beam.testdata.TrainerArgs;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dmg.pmml.DataDictionary;
import org.dmg.pmml.DataField;
import org.dmg.pmml.DataType;
import org.dmg.pmml.MiningField;
import org.dmg.pmml.MiningFunction;
import org.dmg.pmml.MiningSchema;
import org.dmg.pmml.OpType;
import org.dmg.pmml.PMML;
import org.dmg.pmml.Value;
import org.dmg.pmml.regression.CategoricalPredictor;
import org.dmg.pmml.regression.NumericPredictor;
import org.dmg.pmml.regression.RegressionModel;
import org.dmg.pmml.regression.RegressionTable;

/**
 * Fits wine quality by ordinary least squares on the eleven numeric features and {@code wine_type}
 * (dummy-coded, white is the baseline) and writes {@code wine-linear.pmml}, a PMML {@code
 * RegressionModel}. The seed picks the 80% training rows; the rest is the holdout.
 *
 * <p>Usage: {@code java ... WineLinearTrainer [data=testdata/files/wine.csv]
 * [outDir=testdata/files/models] [seed=42]}
 */
public final class WineLinearTrainer {
  public static final String FILE_NAME = "wine-linear.pmml";
  static final String TARGET = WineSchema.QUALITY;

  private WineLinearTrainer() {}

  public static void main(String[] args) throws IOException {
    TrainerArgs a = TrainerArgs.parse(args);
    Path out = train(a.data, a.outDir, a.seed);
    System.out.println("wrote " + out);
  }

  /** Trains on {@code data} and writes {@link #FILE_NAME} into {@code outDir}; returns the file. */
  public static Path train(Path data, Path outDir, long seed) throws IOException {
    WineTable[] parts = WineTable.read(data).split(0.8, seed);
    double[] beta = fit(parts[0]);
    System.out.printf(
        Locale.ROOT, "wine-linear: %d training rows, holdout RMSE %.4f on %d rows%n",
        parts[0].size(), rmse(beta, parts[1]), parts[1].size());
    Path out = outDir.resolve(FILE_NAME);
    PmmlFiles.write(toPmml(beta, parts[0].size(), seed), out);
    return out;
  }

  /**
   * Least-squares coefficients: [intercept, 11 numeric slopes, red offset], on the raw feature
   * scale. The columns are standardised for the solve and the slopes scaled back.
   */
  static double[] fit(WineTable t) {
    int n = t.size();
    int k = WineSchema.NUMERIC_FEATURES.size();
    double[] mean = new double[k];
    double[] sd = new double[k];
    for (int j = 0; j < k; j++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += t.x[i][j];
      }
      mean[j] = s / n;
      double ss = 0;
      for (int i = 0; i < n; i++) {
        double d = t.x[i][j] - mean[j];
        ss += d * d;
      }
      sd[j] = Math.sqrt(ss / n);
      if (sd[j] == 0) {
        sd[j] = 1;
      }
    }
    double[][] a = new double[n][k + 2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      a[i][0] = 1;
      for (int j = 0; j < k; j++) {
        a[i][j + 1] = (t.x[i][j] - mean[j]) / sd[j];
      }
      a[i][k + 1] = t.red[i] ? 1 : 0;
      y[i] = t.quality[i];
    }
    double[] b = LeastSquares.solve(a, y);
    double[] beta = new double[k + 2];
    beta[0] = b[0];
    for (int j = 0; j < k; j++) {
      beta[j + 1] = b[j + 1] / sd[j];
      beta[0] -= b[j + 1] * mean[j] / sd[j];
    }
    beta[k + 1] = b[k + 1];
    return beta;
  }

  static double predict(double[] beta, double[] x, boolean red) {
    double s = beta[0];
    for (int j = 0; j < x.length; j++) {
      s += beta[j + 1] * x[j];
    }
    return s + (red ? beta[x.length + 1] : 0);
  }

  private static double rmse(double[] beta, WineTable t) {
    double ss = 0;
    for (int i = 0; i < t.size(); i++) {
      double e = predict(beta, t.x[i], t.red[i]) - t.quality[i];
      ss += e * e;
    }
    return Math.sqrt(ss / t.size());
  }

  static PMML toPmml(double[] beta, int trainingRows, long seed) {
    DataDictionary dictionary = new DataDictionary();
    MiningSchema schema = new MiningSchema();
    RegressionTable table = new RegressionTable(beta[0]);
    for (int j = 0; j < WineSchema.NUMERIC_FEATURES.size(); j++) {
      String name = WineSchema.NUMERIC_FEATURES.get(j);
      dictionary.addDataFields(new DataField(name, OpType.CONTINUOUS, DataType.DOUBLE));
      schema.addMiningFields(new MiningField(name));
      table.addNumericPredictors(new NumericPredictor(name, beta[j + 1]));
    }
    dictionary.addDataFields(wineTypeField());
    schema.addMiningFields(new MiningField(WineSchema.WINE_TYPE));
    table.addCategoricalPredictors(
        new CategoricalPredictor(WineSchema.WINE_TYPE, "red", beta[beta.length - 1]),
        new CategoricalPredictor(WineSchema.WINE_TYPE, "white", 0.0));
    dictionary.addDataFields(new DataField(TARGET, OpType.CONTINUOUS, DataType.DOUBLE));
    schema.addMiningFields(new MiningField(TARGET).setUsageType(MiningField.UsageType.TARGET));

    RegressionModel model =
        new RegressionModel(MiningFunction.REGRESSION, schema, new ArrayList<>(List.of(table)))
            .setModelName("wine-linear")
            .setAlgorithmName("ordinary least squares")
            .setTargetField(TARGET);
    String description = String.format(
        Locale.ROOT,
        "Wine quality by ordinary least squares on %d rows of wine.csv (split seed %d);"
            + " made by %s", trainingRows, seed, WineLinearTrainer.class.getName());
    return PmmlFiles.document(description, dictionary, model);
  }

  /** The categorical wine_type field with its two known values. */
  static DataField wineTypeField() {
    return new DataField(WineSchema.WINE_TYPE, OpType.CATEGORICAL, DataType.STRING)
        .addValues(new Value("red"), new Value("white"));
  }
}

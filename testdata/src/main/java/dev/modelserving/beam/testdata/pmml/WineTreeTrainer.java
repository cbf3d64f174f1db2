package dev.modelserving.beam.testdata.pmml;

import dev.modelserving.beam.testdata.TrainerArgs;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.dmg.pmml.DataDictionary;
import org.dmg.pmml.DataField;
import org.dmg.pmml.DataType;
import org.dmg.pmml.MiningField;
import org.dmg.pmml.MiningFunction;
import org.dmg.pmml.MiningSchema;
import org.dmg.pmml.OpType;
import org.dmg.pmml.PMML;
import org.dmg.pmml.Value;
import org.dmg.pmml.tree.TreeModel;

/**
 * Grows a small CART-style classification tree of the quality class ("low" = quality &lt;= 5,
 * "medium" = 6, "high" = quality &gt;= 7) and writes {@code wine-tree.pmml}, a PMML {@code
 * TreeModel} whose nodes carry ScoreDistributions, so it gives class probabilities. The root
 * splits on {@code wine_type} (reds and whites get their own subtrees); below it, greedy Gini
 * splits on the numeric features, to depth {@value CartTree#MAX_DEPTH}. The seed picks the 80%
 * training rows.
 *
 * <p>Usage: {@code java ... WineTreeTrainer [data=testdata/files/wine.csv]
 * [outDir=testdata/files/models] [seed=42]}
 */
public final class WineTreeTrainer {
  public static final String FILE_NAME = "wine-tree.pmml";
  static final String TARGET = "quality_class";
  /** The classes, in the model's order. */
  public static final List<String> CLASSES = List.of("low", "medium", "high");

  private WineTreeTrainer() {}

  public static void main(String[] args) throws IOException {
    TrainerArgs a = TrainerArgs.parse(args);
    Path out = train(a.data, a.outDir, a.seed);
    System.out.println("wrote " + out);
  }

  /** The class index of a quality score. */
  public static int qualityClass(int quality) {
    return quality <= 5 ? 0 : quality == 6 ? 1 : 2;
  }

  /** Trains on {@code data} and writes {@link #FILE_NAME} into {@code outDir}; returns the file. */
  public static Path train(Path data, Path outDir, long seed) throws IOException {
    WineTable[] parts = WineTable.read(data).split(0.8, seed);
    CartTree tree = CartTree.grow(parts[0], CLASSES.size());
    System.out.printf(
        Locale.ROOT, "wine-tree: %d training rows, %d leaves, holdout accuracy %.4f on %d rows%n",
        parts[0].size(), tree.leafCount(), accuracy(tree, parts[1]), parts[1].size());
    Path out = outDir.resolve(FILE_NAME);
    PmmlFiles.write(toPmml(tree, parts[0].size(), seed), out);
    return out;
  }

  private static double accuracy(CartTree tree, WineTable t) {
    int right = 0;
    for (int i = 0; i < t.size(); i++) {
      right += tree.predict(t.x[i], t.red[i]) == qualityClass(t.quality[i]) ? 1 : 0;
    }
    return (double) right / t.size();
  }

  static PMML toPmml(CartTree tree, int trainingRows, long seed) {
    TreeSet<Integer> used = new TreeSet<>(tree.usedFeatures());
    DataDictionary dictionary = new DataDictionary();
    MiningSchema schema = new MiningSchema();
    dictionary.addDataFields(WineLinearTrainer.wineTypeField());
    schema.addMiningFields(new MiningField(WineSchema.WINE_TYPE));
    for (int j : used) {
      String name = WineSchema.NUMERIC_FEATURES.get(j);
      dictionary.addDataFields(new DataField(name, OpType.CONTINUOUS, DataType.DOUBLE));
      schema.addMiningFields(new MiningField(name));
    }
    List<Value> classValues = new ArrayList<>();
    for (String c : CLASSES) {
      classValues.add(new Value(c));
    }
    dictionary.addDataFields(
        new DataField(TARGET, OpType.CATEGORICAL, DataType.STRING)
            .addValues(classValues.toArray(new Value[0])));
    schema.addMiningFields(new MiningField(TARGET).setUsageType(MiningField.UsageType.TARGET));

    TreeModel model =
        new TreeModel(MiningFunction.CLASSIFICATION, schema, tree.toPmml(CLASSES))
            .setModelName("wine-tree")
            .setAlgorithmName("CART (Gini), depth <= " + CartTree.MAX_DEPTH)
            .setSplitCharacteristic(TreeModel.SplitCharacteristic.BINARY_SPLIT)
            .setMissingValueStrategy(TreeModel.MissingValueStrategy.NULL_PREDICTION)
            .setNoTrueChildStrategy(TreeModel.NoTrueChildStrategy.RETURN_NULL_PREDICTION);
    String description = String.format(
        Locale.ROOT,
        "Wine quality class (low <= 5, medium = 6, high >= 7) by a CART tree grown on %d rows of"
            + " wine.csv (split seed %d); made by %s",
        trainingRows, seed, WineTreeTrainer.class.getName());
    return PmmlFiles.document(description, dictionary, model);
  }
}

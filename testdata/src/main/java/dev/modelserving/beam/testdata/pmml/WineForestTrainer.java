package dev.modelserving.beam.testdata.pmml;

import dev.modelserving.beam.testdata.TrainerArgs;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import org.dmg.pmml.DataDictionary;
import org.dmg.pmml.DataField;
import org.dmg.pmml.DataType;
import org.dmg.pmml.MiningField;
import org.dmg.pmml.MiningFunction;
import org.dmg.pmml.MiningSchema;
import org.dmg.pmml.OpType;
import org.dmg.pmml.PMML;
import org.dmg.pmml.True;
import org.dmg.pmml.Value;
import org.dmg.pmml.mining.MiningModel;
import org.dmg.pmml.mining.Segment;
import org.dmg.pmml.mining.Segmentation;
import org.dmg.pmml.tree.TreeModel;

/**
 * Grows a random forest of CART trees for the quality class ("low", "medium", "high", as {@link
 * WineTreeTrainer}) and writes it as a PMML {@code MiningModel} whose {@code Segmentation} takes
 * the majority vote of its trees. Each tree is grown on a bootstrap sample of the training rows (80%
 * of the data, picked by the seed) and may split only on its own random subset of the eleven numeric
 * features. Everything is drawn from the seed, so the same parameters give the same file.
 *
 * <p>The forest is made for benchmarks, not committed: about 50 trees of depth 8 make a model of a
 * few MB that is costly per record; about 600 trees make tens of MB that JPMML takes seconds to load.
 *
 * <p>Usage: {@code java ... WineForestTrainer [data=testdata/files/wine.csv]
 * [outDir=testdata/files/models] [seed=42] [trees=50] [maxDepth=8]}
 */
public final class WineForestTrainer {
  static final String TARGET = WineTreeTrainer.TARGET;

  private WineForestTrainer() {}

  /**
   * The shape of a forest.
   *
   * @param trees the number of trees, at least 1
   * @param maxDepth the depth of each tree, at least 1
   * @param minLeaf the fewest training rows (with repeats) in a leaf, at least 1
   * @param featuresPerTree how many of the eleven numeric features each tree may split on
   */
  public record Params(int trees, int maxDepth, int minLeaf, int featuresPerTree) {
    /** The default leaf size and feature subset: 5 rows, 7 of the 11 features. */
    public static Params of(int trees, int maxDepth) {
      return new Params(trees, maxDepth, 5, 7);
    }

    public Params {
      int features = WineSchema.NUMERIC_FEATURES.size();
      if (trees < 1 || maxDepth < 1 || minLeaf < 1 || featuresPerTree < 1 || featuresPerTree > features) {
        throw new IllegalArgumentException(
            "a forest needs trees >= 1, maxDepth >= 1, minLeaf >= 1 and 1 <= featuresPerTree <= "
                + features + "; got " + this);
      }
    }

    /** The file name of a forest of this shape, e.g. {@code wine-forest-50x8.pmml}. */
    public String fileName() {
      return "wine-forest-" + trees + "x" + maxDepth + ".pmml";
    }
  }

  public static void main(String[] args) throws IOException {
    TrainerArgs a = TrainerArgs.parse(args);
    int trees = args.length > 3 ? Integer.parseInt(args[3]) : 50;
    int maxDepth = args.length > 4 ? Integer.parseInt(args[4]) : 8;
    Path out = train(a.data, a.outDir, a.seed, Params.of(trees, maxDepth));
    System.out.println("wrote " + out + " (" + Files.size(out) + " bytes)");
  }

  /** Trains on {@code data} and writes {@link Params#fileName()} into {@code outDir}; returns the file. */
  public static Path train(Path data, Path outDir, long seed, Params params) throws IOException {
    WineTable[] parts = WineTable.read(data).split(0.8, seed);
    Forest forest = grow(parts[0], seed, params);
    System.out.printf(
        Locale.ROOT, "wine-forest: %d trees of depth <= %d, %d leaves, holdout accuracy %.4f on %d rows%n",
        params.trees(), params.maxDepth(), forest.leafCount(), forest.accuracy(parts[1]), parts[1].size());
    Path out = outDir.resolve(params.fileName());
    PmmlFiles.write(toPmml(forest, params, parts[0].size(), seed), out);
    return out;
  }

  /** The trees of a forest and the majority vote over them. */
  static final class Forest {
    final List<CartTree> trees;

    Forest(List<CartTree> trees) {
      this.trees = List.copyOf(trees);
    }

    /** The votes of the trees per class. */
    int[] votes(double[] x, boolean red) {
      int[] votes = new int[WineTreeTrainer.CLASSES.size()];
      for (CartTree tree : trees) {
        votes[tree.predict(x, red)]++;
      }
      return votes;
    }

    /** The class with the most votes; ties go to the lower index. */
    int predict(double[] x, boolean red) {
      int[] votes = votes(x, red);
      int best = 0;
      for (int c = 1; c < votes.length; c++) {
        if (votes[c] > votes[best]) {
          best = c;
        }
      }
      return best;
    }

    double accuracy(WineTable t) {
      int right = 0;
      for (int i = 0; i < t.size(); i++) {
        right += predict(t.x[i], t.red[i]) == WineTreeTrainer.qualityClass(t.quality[i]) ? 1 : 0;
      }
      return (double) right / t.size();
    }

    int leafCount() {
      return trees.stream().mapToInt(CartTree::leafCount).sum();
    }
  }

  /** Grows the trees, each on its own bootstrap sample and feature subset, all drawn from the seed. */
  static Forest grow(WineTable train, long seed, Params params) {
    Random random = new Random(seed);
    List<CartTree> trees = new ArrayList<>(params.trees());
    for (int t = 0; t < params.trees(); t++) {
      int[] rows = new int[train.size()];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = random.nextInt(train.size());
      }
      int[] features = randomSubset(WineSchema.NUMERIC_FEATURES.size(), params.featuresPerTree(), random);
      CartTree.Growth growth = new CartTree.Growth(params.maxDepth(), params.minLeaf(), features, false);
      trees.add(CartTree.grow(train, rows, WineTreeTrainer.CLASSES.size(), growth));
    }
    return new Forest(trees);
  }

  /** {@code k} distinct indexes below {@code n}, by a partial Fisher-Yates shuffle. */
  private static int[] randomSubset(int n, int k, Random random) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(n - i);
      int swap = all[i];
      all[i] = all[j];
      all[j] = swap;
    }
    int[] subset = new int[k];
    System.arraycopy(all, 0, subset, 0, k);
    return subset;
  }

  static PMML toPmml(Forest forest, Params params, int trainingRows, long seed) {
    TreeSet<Integer> used = new TreeSet<>();
    for (CartTree tree : forest.trees) {
      used.addAll(tree.usedFeatures());
    }
    DataDictionary dictionary = new DataDictionary();
    for (int j : used) {
      dictionary.addDataFields(
          new DataField(WineSchema.NUMERIC_FEATURES.get(j), OpType.CONTINUOUS, DataType.DOUBLE));
    }
    List<Value> classValues = new ArrayList<>();
    for (String c : WineTreeTrainer.CLASSES) {
      classValues.add(new Value(c));
    }
    dictionary.addDataFields(
        new DataField(TARGET, OpType.CATEGORICAL, DataType.STRING)
            .addValues(classValues.toArray(new Value[0])));

    List<Segment> segments = new ArrayList<>();
    for (int t = 0; t < forest.trees.size(); t++) {
      CartTree tree = forest.trees.get(t);
      TreeModel model =
          new TreeModel(MiningFunction.CLASSIFICATION, schema(tree.usedFeatures()), tree.toPmml(WineTreeTrainer.CLASSES))
              .setSplitCharacteristic(TreeModel.SplitCharacteristic.BINARY_SPLIT)
              .setMissingValueStrategy(TreeModel.MissingValueStrategy.NULL_PREDICTION)
              .setNoTrueChildStrategy(TreeModel.NoTrueChildStrategy.RETURN_NULL_PREDICTION);
      segments.add(new Segment(True.INSTANCE, model).setId(Integer.toString(t + 1)));
    }
    MiningModel model =
        new MiningModel(MiningFunction.CLASSIFICATION, schema(used))
            .setModelName("wine-forest")
            .setAlgorithmName(String.format(
                Locale.ROOT, "random forest: %d CART trees (Gini), depth <= %d, %d of %d features per tree",
                params.trees(), params.maxDepth(), params.featuresPerTree(), WineSchema.NUMERIC_FEATURES.size()))
            .setSegmentation(new Segmentation(Segmentation.MultipleModelMethod.MAJORITY_VOTE, segments));
    String description = String.format(
        Locale.ROOT,
        "Wine quality class (low <= 5, medium = 6, high >= 7) by the majority vote of %d trees, each"
            + " grown on a bootstrap sample of %d rows of wine.csv (seed %d); made by %s",
        params.trees(), trainingRows, seed, WineForestTrainer.class.getName());
    return PmmlFiles.document(description, dictionary, model);
  }

  /** A mining schema of these numeric features and the target. */
  private static MiningSchema schema(Iterable<Integer> features) {
    MiningSchema schema = new MiningSchema();
    for (int j : features) {
      schema.addMiningFields(new MiningField(WineSchema.NUMERIC_FEATURES.get(j)));
    }
    return schema.addMiningFields(new MiningField(TARGET).setUsageType(MiningField.UsageType.TARGET));
  }
}

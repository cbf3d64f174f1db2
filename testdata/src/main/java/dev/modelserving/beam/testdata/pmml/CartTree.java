package dev.modelserving.beam.testdata.pmml;

import dev.modelserving.beam.testdata.WineSchema;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.dmg.pmml.ComplexScoreDistribution;
import org.dmg.pmml.Predicate;
import org.dmg.pmml.SimplePredicate;
import org.dmg.pmml.True;
import org.dmg.pmml.tree.ComplexNode;

/**
 * A binary classification tree. Every split is "feature &lt;= threshold" chosen greedily by Gini
 * impurity; the single-tree model's root first splits on wine type (red left, white right). Fully
 * deterministic: ties go to the lower feature index and the lower threshold.
 */
final class CartTree {
  static final int MAX_DEPTH = 5;
  static final int MIN_LEAF = 15;
  private static final double MIN_GAIN = 1e-4;

  /** How a tree grows: its depth and leaf size, the features it may split on, its root split. */
  static final class Growth {
    /** The single tree of {@code wine-tree.pmml}: depth 5, leaves of 15, root split on wine type. */
    static final Growth SINGLE_TREE = new Growth(MAX_DEPTH, MIN_LEAF, allFeatures(), true);

    final int maxDepth;
    final int minLeaf;
    /** The numeric feature indexes the tree may split on, in increasing order. */
    final int[] features;
    final boolean wineTypeRoot;

    Growth(int maxDepth, int minLeaf, int[] features, boolean wineTypeRoot) {
      if (maxDepth < 1 || minLeaf < 1 || features.length == 0) {
        throw new IllegalArgumentException(
            "a tree needs depth >= 1, leaves >= 1 and at least one feature; got depth " + maxDepth
                + ", leaves " + minLeaf + ", features " + Arrays.toString(features));
      }
      this.maxDepth = maxDepth;
      this.minLeaf = minLeaf;
      this.features = features.clone();
      Arrays.sort(this.features);
      this.wineTypeRoot = wineTypeRoot;
    }

    private static int[] allFeatures() {
      return range(WineSchema.NUMERIC_FEATURES.size());
    }
  }

  /** Split feature: a numeric feature index, {@link #WINE_TYPE} for the root, -2 for a leaf. */
  private static final int WINE_TYPE = -1;
  private static final int LEAF = -2;

  private int feature = LEAF;
  private double threshold;
  private final int[] counts;
  private CartTree left;
  private CartTree right;

  private CartTree(int[] counts) {
    this.counts = counts;
  }

  /** Grows the single tree on the training rows; quality is mapped by {@link WineTreeTrainer#qualityClass}. */
  static CartTree grow(WineTable t, int classes) {
    return grow(t, range(t.size()), classes, Growth.SINGLE_TREE);
  }

  /**
   * Grows a tree on the given rows of {@code t} (a row may appear more than once, as in a bootstrap
   * sample); quality is mapped by {@link WineTreeTrainer#qualityClass}.
   */
  static CartTree grow(WineTable t, int[] rows, int classes, Growth growth) {
    int[] y = new int[t.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = WineTreeTrainer.qualityClass(t.quality[i]);
    }
    if (!growth.wineTypeRoot) {
      return growNode(t.x, y, rows, classes, 0, growth);
    }
    CartTree root = new CartTree(count(y, rows, classes));
    root.feature = WINE_TYPE;
    int[] reds = Arrays.stream(rows).filter(i -> t.red[i]).toArray();
    int[] whites = Arrays.stream(rows).filter(i -> !t.red[i]).toArray();
    root.left = growNode(t.x, y, reds, classes, 1, growth);
    root.right = growNode(t.x, y, whites, classes, 1, growth);
    return root;
  }

  private static CartTree growNode(
      double[][] x, int[] y, int[] rows, int classes, int depth, Growth growth) {
    CartTree node = new CartTree(count(y, rows, classes));
    if (depth >= growth.maxDepth || rows.length < 2 * growth.minLeaf || isPure(node.counts)) {
      return node;
    }
    double parent = gini(node.counts, rows.length);
    double bestGain = MIN_GAIN;
    int[] rightCounts = new int[classes];
    for (int j : growth.features) {
      int[] sorted = sortedBy(x, j, rows);
      int[] leftCounts = new int[classes];
      for (int p = 0; p < sorted.length - 1; p++) {
        leftCounts[y[sorted[p]]]++;
        double v = x[sorted[p]][j];
        double next = x[sorted[p + 1]][j];
        int nLeft = p + 1;
        int nRight = sorted.length - nLeft;
        if (v == next || nLeft < growth.minLeaf || nRight < growth.minLeaf) {
          continue;
        }
        for (int c = 0; c < classes; c++) {
          rightCounts[c] = node.counts[c] - leftCounts[c];
        }
        double impurity =
            (nLeft * gini(leftCounts, nLeft) + nRight * gini(rightCounts, nRight)) / sorted.length;
        double gain = parent - impurity;
        if (gain > bestGain) {
          bestGain = gain;
          node.feature = j;
          node.threshold = midpoint(v, next);
        }
      }
    }
    if (node.feature == LEAF) {
      return node;
    }
    int[] leftRows = Arrays.stream(rows).filter(i -> x[i][node.feature] <= node.threshold).toArray();
    int[] rightRows = Arrays.stream(rows).filter(i -> x[i][node.feature] > node.threshold).toArray();
    node.left = growNode(x, y, leftRows, classes, depth + 1, growth);
    node.right = growNode(x, y, rightRows, classes, depth + 1, growth);
    return node;
  }

  /**
   * The rows ordered by feature {@code j}. Rows with equal values may come in any order: splits
   * are only considered between different values, so the tree does not depend on it.
   */
  private static int[] sortedBy(double[][] x, int j, int[] rows) {
    long[] keyed = new long[rows.length];
    double[] values = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      values[i] = x[rows[i]][j];
    }
    // Rank the distinct values, then sort (rank, row) pairs packed into longs: no boxing.
    double[] distinct = values.clone();
    Arrays.sort(distinct);
    for (int i = 0; i < rows.length; i++) {
      long rank = Arrays.binarySearch(distinct, values[i]);
      keyed[i] = (rank << 32) | rows[i];
    }
    Arrays.sort(keyed);
    int[] sorted = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      sorted[i] = (int) keyed[i];
    }
    return sorted;
  }

  /** A short threshold between two data values (the data has at most 4 decimals). */
  private static double midpoint(double a, double b) {
    double m = (a + b) / 2;
    double rounded = Math.round(m * 1e5) / 1e5;
    return rounded >= a && rounded < b ? rounded : m;
  }

  int predict(double[] x, boolean red) {
    CartTree node = this;
    while (node.feature != LEAF) {
      boolean goLeft = node.feature == WINE_TYPE ? red : x[node.feature] <= node.threshold;
      node = goLeft ? node.left : node.right;
    }
    return argmax(node.counts);
  }

  int leafCount() {
    return feature == LEAF ? 1 : left.leafCount() + right.leafCount();
  }

  /** The numeric feature indexes the tree splits on. */
  Set<Integer> usedFeatures() {
    Set<Integer> used = new TreeSet<>();
    collectFeatures(used);
    return used;
  }

  private void collectFeatures(Set<Integer> used) {
    if (feature >= 0) {
      used.add(feature);
    }
    if (feature != LEAF) {
      left.collectFeatures(used);
      right.collectFeatures(used);
    }
  }

  /** The tree as PMML nodes with record counts and class probabilities. */
  ComplexNode toPmml(List<String> classNames) {
    int[] nextId = {1};
    return toPmml(True.INSTANCE, classNames, nextId);
  }

  private ComplexNode toPmml(Predicate predicate, List<String> classNames, int[] nextId) {
    int n = Arrays.stream(counts).sum();
    ComplexNode node =
        new ComplexNode(classNames.get(argmax(counts)), predicate)
            .setId(Integer.toString(nextId[0]++))
            .setRecordCount(n);
    for (int c = 0; c < counts.length; c++) {
      node.addScoreDistributions(
          new ComplexScoreDistribution(classNames.get(c), counts[c])
              .setProbability((double) counts[c] / n));
    }
    if (feature == WINE_TYPE) {
      node.addNodes(
          left.toPmml(new SimplePredicate(WineSchema.WINE_TYPE, SimplePredicate.Operator.EQUAL, "red"), classNames, nextId),
          right.toPmml(new SimplePredicate(WineSchema.WINE_TYPE, SimplePredicate.Operator.EQUAL, "white"), classNames, nextId));
    } else if (feature != LEAF) {
      String name = WineSchema.NUMERIC_FEATURES.get(feature);
      node.addNodes(
          left.toPmml(new SimplePredicate(name, SimplePredicate.Operator.LESS_OR_EQUAL, threshold), classNames, nextId),
          right.toPmml(new SimplePredicate(name, SimplePredicate.Operator.GREATER_THAN, threshold), classNames, nextId));
    }
    return node;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  private static int[] count(int[] y, int[] rows, int classes) {
    int[] c = new int[classes];
    for (int i : rows) {
      c[y[i]]++;
    }
    return c;
  }

  private static boolean isPure(int[] counts) {
    int nonZero = 0;
    for (int c : counts) {
      nonZero += c > 0 ? 1 : 0;
    }
    return nonZero <= 1;
  }

  private static double gini(int[] counts, int n) {
    double g = 1;
    for (int c : counts) {
      double p = (double) c / n;
      g -= p * p;
    }
    return g;
  }

  /** The most frequent class; ties go to the lower index, as in the PMML score. */
  private static int argmax(int[] counts) {
    int best = 0;
    for (int c = 1; c < counts.length; c++) {
      if (counts[c] > counts[best]) {
        best = c;
      }
    }
    return best;
  }
}

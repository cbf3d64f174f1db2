package dev.modelserving.beam.testdata.tensorflow;

import dev.modelserving.beam.testdata.TrainerArgs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Identity;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Trains the wine-quality MLP in TensorFlow Java and exports it three ways.
 *
 * <p>The network maps the eleven numeric features (standardised inside the graph with constants
 * computed from the data) through 16 ReLU units to one linear output, the predicted quality. It is
 * trained on all rows of {@code wine.csv} by mini-batch gradient descent on the mean squared error,
 * with core TensorFlow ops only ({@code tf.gradients} and {@code tf.train.applyGradientDescent}).
 * Initial weights and the batch order come from {@code java.util.Random(seed)}, and the session
 * runs on one thread.
 *
 * <p>Reproducibility: re-running with the same data and seed gives the same predictions (the
 * tests allow 1e-5), but the files are NOT guaranteed to be bitwise identical: TensorFlow's native
 * code writes {@code saved_model.pb} with attribute maps in hash order, and another CPU (oneDNN
 * kernels) may round differently. On one machine the variable checkpoints and the frozen graph
 * (serialised deterministically here) do come out byte for byte the same. Compare TensorFlow models
 * by their predictions, not their bytes.
 *
 * <p>Determinism needs two things besides the seed: a single-threaded session, and control
 * dependencies that make every weight update wait for all gradients (otherwise an update can race
 * with a gradient that still reads the old weights, and runs differ).
 *
 * <p>Writes, below the output directory:
 *
 * <ul>
 *   <li>{@code wine-mlp/}: SavedModel, signature "serving_default", input "features" float [-1, 11]
 *       in {@code WineSchema.NUMERIC_FEATURES} order, output "quality" float [-1, 1];
 *   <li>{@code wine-mlp-named/}: SavedModel, signature "predict", inputs "fixed acidity", ...
 *       (float [-1, 1] each), output "quality_score";
 *   <li>{@code wine-mlp-frozen.pb}: frozen GraphDef, input op "features", output op "quality".
 * </ul>
 *
 * <p>Usage: {@code WineMlpTrainer [wine.csv] [output dir] [seed]}, by default {@code
 * testdata/files/wine.csv testdata/files/models 42}. From the repository root:
 *
 * <pre>
 * mvn -B -o -q compile dependency:build-classpath -pl testdata -Dmdep.outputFile=target/cp.txt
 * java -cp testdata/target/classes:$(cat testdata/target/cp.txt) \
 *     dev.modelserving.beam.testdata.tensorflow.WineMlpTrainer
 * </pre>
 */
public final class WineMlpTrainer {
  public static final String PACKED_DIR = "wine-mlp";
  public static final String NAMED_DIR = "wine-mlp-named";
  public static final String FROZEN_FILE = "wine-mlp-frozen.pb";

  static final int HIDDEN = 16;
  static final int EPOCHS = 60;
  static final int BATCH = 32;
  static final float LEARNING_RATE = 0.02f;

  private WineMlpTrainer() {}

  /** What training produced. */
  public static final class Trained {
    public final WineMlpWeights weights;
    /** Mean squared error of the trained network on all training rows. */
    public final double trainingMse;
    /** Mean squared error of always predicting the mean quality, for comparison. */
    public final double baselineMse;

    Trained(WineMlpWeights weights, double trainingMse, double baselineMse) {
      this.weights = weights;
      this.trainingMse = trainingMse;
      this.baselineMse = baselineMse;
    }
  }

  public static void main(String[] args) throws IOException {
    TrainerArgs a = TrainerArgs.parse(args);
    Path out = a.outDir;
    Trained trained = trainAndExport(a.data, out, a.seed);
    System.out.printf(
        "wine MLP: training MSE %.4f (predicting the mean: %.4f); wrote %s, %s, %s in %s%n",
        trained.trainingMse, trained.baselineMse, PACKED_DIR, NAMED_DIR, FROZEN_FILE, out);
  }

  /** Trains on {@code csv} and writes the three artifacts below {@code outDir}. */
  public static Trained trainAndExport(Path csv, Path outDir, long seed) throws IOException {
    Trained trained = train(WineFeatureTable.read(csv), seed);
    WineMlpExport.savedModelPacked(trained.weights, outDir.resolve(PACKED_DIR));
    WineMlpExport.savedModelNamed(trained.weights, outDir.resolve(NAMED_DIR));
    WineMlpExport.frozenGraph(trained.weights, outDir.resolve(FROZEN_FILE));
    return trained;
  }

  /** Trains the network on every row of the table. */
  public static Trained train(WineFeatureTable data, long seed) {
    Random random = new Random(seed);
    int n = data.featureCount();
    float[] mean = data.means();
    float[] std = data.standardDeviations();
    float[][] w1 = gaussian(random, n, HIDDEN, Math.sqrt(2.0 / n));
    float[][] w2 = gaussian(random, HIDDEN, 1, Math.sqrt(1.0 / HIDDEN));
    float[] b1 = new float[HIDDEN];
    float[] b2 = {data.meanQuality()};

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, n)));
      Placeholder<TFloat32> y =
          tf.withName("y").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
      List<Variable<TFloat32>> params =
          List.of(
              tf.variable(tf.constant(w1)),
              tf.variable(tf.constant(b1)),
              tf.variable(tf.constant(w2)),
              tf.variable(tf.constant(b2)));
      WineMlpGraph.Layers layers =
          new WineMlpGraph.Layers(params.get(0), params.get(1), params.get(2), params.get(3));
      Operand<TFloat32> prediction = WineMlpGraph.forward(tf, x, mean, std, layers);
      Operand<TFloat32> loss =
          tf.math.mean(tf.math.square(tf.math.sub(prediction, y)), tf.constant(new int[] {0, 1}));
      Gradients gradients = tf.gradients(loss, params);
      Operand<TFloat32> rate = tf.constant(LEARNING_RATE);
      // Every gradient must be computed before any variable changes: without these control
      // dependencies an update may race with a gradient that still reads the old weights.
      List<Identity<TFloat32>> grads = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        grads.add(tf.identity(gradients.<TFloat32>dy(i)));
      }
      List<Op> gradientOps = new ArrayList<>(grads);
      Ops afterGradients = tf.withControlDependencies(gradientOps);
      List<Op> updates = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        updates.add(afterGradients.train.applyGradientDescent(params.get(i), rate, grads.get(i)));
      }

      try (Session session = new Session(g, WineMlpExport.singleThreaded())) {
        session.initialize();
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
          shuffle(order, random);
          for (int start = 0; start < order.length; start += BATCH) {
            int end = Math.min(order.length, start + BATCH);
            try (TFloat32 xb = batchFeatures(data, order, start, end);
                TFloat32 yb = batchLabels(data, order, start, end)) {
              Session.Runner runner = session.runner().feed(x, xb).feed(y, yb);
              updates.forEach(runner::addTarget);
              runner.run().close();
            }
          }
        }
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) {
          all[i] = i;
        }
        double mse;
        WineMlpWeights weights;
        try (TFloat32 xa = batchFeatures(data, all, 0, all.length);
            TFloat32 ya = batchLabels(data, all, 0, all.length);
            Result r =
                session
                    .runner()
                    .feed(x, xa)
                    .feed(y, ya)
                    .fetch(loss)
                    .fetch(params.get(0))
                    .fetch(params.get(1))
                    .fetch(params.get(2))
                    .fetch(params.get(3))
                    .run()) {
          mse = ((TFloat32) r.get(0)).getFloat();
          weights =
              new WineMlpWeights(
                  mean,
                  std,
                  matrix((TFloat32) r.get(1)),
                  vector((TFloat32) r.get(2)),
                  matrix((TFloat32) r.get(3)),
                  vector((TFloat32) r.get(4)));
        }
        return new Trained(weights, mse, baselineMse(data));
      }
    }
  }

  private static float[][] gaussian(Random random, int rows, int cols, double scale) {
    float[][] m = new float[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        m[i][j] = (float) (random.nextGaussian() * scale);
      }
    }
    return m;
  }

  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  private static TFloat32 batchFeatures(WineFeatureTable data, int[] order, int start, int end) {
    int n = data.featureCount();
    float[] flat = new float[(end - start) * n];
    for (int i = start; i < end; i++) {
      System.arraycopy(data.features(order[i]), 0, flat, (i - start) * n, n);
    }
    return TFloat32.tensorOf(Shape.of(end - start, n), DataBuffers.of(flat, true, false));
  }

  private static TFloat32 batchLabels(WineFeatureTable data, int[] order, int start, int end) {
    float[] flat = new float[end - start];
    for (int i = start; i < end; i++) {
      flat[i - start] = data.quality(order[i]);
    }
    return TFloat32.tensorOf(Shape.of(end - start, 1), DataBuffers.of(flat, true, false));
  }

  private static float[][] matrix(TFloat32 t) {
    float[][] m = new float[(int) t.shape().get(0)][(int) t.shape().get(1)];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        m[i][j] = t.getFloat(i, j);
      }
    }
    return m;
  }

  private static float[] vector(TFloat32 t) {
    float[] v = new float[(int) t.shape().get(0)];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.getFloat(i);
    }
    return v;
  }

  private static double baselineMse(WineFeatureTable data) {
    double mean = data.meanQuality();
    double sum = 0;
    for (int i = 0; i < data.size(); i++) {
      double d = data.quality(i) - mean;
      sum += d * d;
    }
    return sum / data.size();
  }
}

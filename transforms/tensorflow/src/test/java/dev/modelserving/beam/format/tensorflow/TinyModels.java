package dev.modelserving.beam.format.tensorflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/** Small SavedModels built by the tests themselves, with known answers. */
final class TinyModels {
  /** Classifier weights: logits = x W + B for an input x of two floats. */
  static final float[][] W = {{2f, 0f, -1f}, {-1f, 1f, 2f}};
  static final float[] B = {0.5f, 0f, -0.5f};
  static final String[] CLASSES = {"low", "mid", "high"};

  private TinyModels() {}

  /**
   * A softmax classifier. Signature "serving_default": input "x" float [-1, 2]; outputs
   * "probabilities" float [-1, 3], "class_id" int64 [-1] (the argmax) and "class_name" string [-1]
   * (one of {@link #CLASSES}).
   */
  static void classifier(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
      Operand<TFloat32> logits =
          tf.math.add(
              tf.linalg.matMul(x, tf.variable(tf.constant(W))), tf.variable(tf.constant(B)));
      Operand<TFloat32> probabilities = tf.withName("probabilities").nn.softmax(logits);
      Operand<TInt64> classId = tf.withName("class_id").math.argMax(logits, tf.constant(1));
      Operand<TString> className =
          tf.withName("class_name")
              .gather(tf.constant(StandardCharsets.UTF_8, CLASSES), classId, tf.constant(0));
      export(
          g,
          dir,
          Signature.builder()
              .key("serving_default")
              .input("x", x)
              .output("probabilities", probabilities)
              .output("class_id", classId)
              .output("class_name", className)
              .build());
    }
  }

  /** Softmax of x W + B, computed in Java. */
  static double[] expectedProbabilities(float x0, float x1) {
    double[] logits = new double[3];
    double sum = 0;
    for (int k = 0; k < 3; k++) {
      logits[k] = Math.exp(x0 * W[0][k] + x1 * W[1][k] + B[k]);
      sum += logits[k];
    }
    for (int k = 0; k < 3; k++) {
      logits[k] /= sum;
    }
    return logits;
  }

  /**
   * A model with one input per type. Signature "mixed": "a" double [-1], "b" int64 [-1, 1], "c"
   * string [-1] and "d" float (unknown shape); output "sum" float [-1] = a + b + length(c) + d.
   */
  static void mixedInputs(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat64> a =
          tf.withName("a").placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TInt64> b =
          tf.withName("b").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, 1)));
      Placeholder<TString> c =
          tf.withName("c").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> d = tf.withName("d").placeholder(TFloat32.class);
      // b is [records, 1]: flatten it, or a batch would broadcast [n] + [n, 1] into [n, n].
      Operand<TInt64> bFlat = tf.reshape(b, tf.constant(new long[] {-1}));
      Operand<TFloat32> sum =
          tf.math.add(
              tf.math.add(tf.dtypes.cast(a, TFloat32.class), tf.dtypes.cast(bFlat, TFloat32.class)),
              tf.math.add(tf.dtypes.cast(tf.strings.stringLength(c), TFloat32.class), d));
      Operand<TFloat32> out = tf.withName("sum").identity(sum);
      // A dummy variable: the exporter saves variables, so give it one.
      tf.variable(tf.constant(0f));
      export(
          g,
          dir,
          Signature.builder()
              .key("mixed")
              .input("a", a)
              .input("b", b)
              .input("c", c)
              .input("d", d)
              .output("sum", out)
              .build());
    }
  }

  /**
   * A linear model on a packed input "x" float of the given shape (rank 2, two columns): signature
   * "serving_default", outputs "y" float [rows, 1] = x0 + 10 x1, "twice" float [rows, 1] = 2 y and
   * "rows" float [rows], in every row the number of rows fed to the run.
   */
  static void linear(Path dir, Shape inputShape) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(inputShape));
      Operand<TFloat32> y =
          tf.withName("y").linalg.matMul(x, tf.variable(tf.constant(new float[][] {{1f}, {10f}})));
      Operand<TFloat32> twice = tf.withName("twice").math.mul(y, tf.constant(2f));
      Operand<TFloat32> rowsFed =
          tf.math.div(tf.dtypes.cast(tf.size(x), TFloat32.class), tf.constant(2f));
      Operand<TFloat32> rows =
          tf.withName("rows")
              .math
              .add(tf.math.mul(tf.reduceSum(x, tf.constant(1)), tf.constant(0f)), rowsFed);
      export(
          g,
          dir,
          Signature.builder()
              .key("serving_default")
              .input("x", x)
              .output("y", y)
              .output("twice", twice)
              .output("rows", rows)
              .build());
    }
  }

  /** x0 + 10 x1, as {@link #linear} computes it. */
  static double linearPrediction(double x0, double x1) {
    return x0 + 10 * x1;
  }

  /**
   * A model that takes one record per run: signature "serving_default", input "x" float scalar,
   * output "y" float scalar = 2 x + 1.
   */
  static void scalarInput(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> y =
          tf.withName("y").math.add(tf.math.mul(x, tf.variable(tf.constant(2f))), tf.constant(1f));
      export(g, dir, Signature.builder().key("serving_default").input("x", x).output("y", y).build());
    }
  }

  /**
   * A model whose outputs drop the batch dimension: signature "serving_default", input "x" float
   * [-1], outputs "total" float scalar = the sum of 3 x over the rows fed (right for one record),
   * and "total_of_unknown_shape", the same declared with an unknown shape.
   */
  static void unbatchedOutput(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> total =
          tf.withName("total")
              .reduceSum(tf.math.mul(x, tf.variable(tf.constant(3f))), tf.constant(0));
      Operand<TFloat32> hidden =
          tf.withName("total_of_unknown_shape").placeholderWithDefault(total, Shape.unknown());
      export(
          g,
          dir,
          Signature.builder()
              .key("serving_default")
              .input("x", x)
              .output("total", total)
              .output("total_of_unknown_shape", hidden)
              .build());
    }
  }

  /**
   * A model that fails on more than one row: signature "serving_default", packed input "x" float
   * [-1, 2] reshaped to [1, 2], output "y" float [1, 1] = x0 + 10 x1.
   */
  static void oneRowOnly(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
      Operand<TFloat32> row = tf.reshape(x, tf.constant(new long[] {1, 2}));
      Operand<TFloat32> y =
          tf.withName("y")
              .linalg
              .matMul(row, tf.variable(tf.constant(new float[][] {{1f}, {10f}})));
      export(g, dir, Signature.builder().key("serving_default").input("x", x).output("y", y).build());
    }
  }

  /**
   * A model TensorFlow itself fails on for some records: signature "serving_default", input "s"
   * string [-1], output "n" float [-1], the number the text spells (an error if it is not one).
   */
  static void parsesText(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TString> s =
          tf.withName("s").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> n = tf.withName("n").strings.toNumber(s);
      tf.variable(tf.constant(0f));
      export(g, dir, Signature.builder().key("serving_default").input("s", s).output("n", n).build());
    }
  }

  /**
   * Per-feature inputs "a" and "b", float of the given shapes; signature "serving_default", outputs
   * "twice_a" = 2 a and "twice_b" = 2 b (so that the shapes need not be compatible).
   */
  static void twoFeatures(Path dir, Shape a, Shape b) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> pa =
          tf.withName("a").placeholder(TFloat32.class, Placeholder.shape(a));
      Placeholder<TFloat32> pb =
          tf.withName("b").placeholder(TFloat32.class, Placeholder.shape(b));
      Operand<TFloat32> twiceA = tf.withName("twice_a").math.mul(pa, tf.constant(2f));
      Operand<TFloat32> twiceB = tf.withName("twice_b").math.mul(pb, tf.constant(2f));
      tf.variable(tf.constant(0f));
      export(
          g,
          dir,
          Signature.builder()
              .key("serving_default")
              .input("a", pa)
              .input("b", pb)
              .output("twice_a", twiceA)
              .output("twice_b", twiceB)
              .build());
    }
  }

  private static void export(Graph g, Path dir, Signature signature) throws IOException {
    try (Session s = new Session(g)) {
      s.initialize();
      SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(signature).export();
    }
  }
}

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
   * string [-1] and "d" float (unknown shape); output "sum" float = a + b + length(c) + d.
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
      Operand<TFloat32> sum =
          tf.math.add(
              tf.math.add(tf.dtypes.cast(a, TFloat32.class), tf.dtypes.cast(b, TFloat32.class)),
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

  private static void export(Graph g, Path dir, Signature signature) throws IOException {
    try (Session s = new Session(g)) {
      s.initialize();
      SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(signature).export();
    }
  }
}

package dev.modelserving.beam.testdata.tensorflow;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Constant;
import org.tensorflow.types.TFloat32;

/**
 * Builds the wine MLP's forward pass into a graph: {@code relu(((x - mean) / std) w1 + b1) w2 +
 * b2}, from a {@code [-1, 11]} float input to a {@code [-1, 1]} quality prediction. The layer
 * parameters are operands, so the same code builds the training graph (variables), the SavedModel
 * (variables set to the trained values) and the frozen graph (constants).
 */
final class WineMlpGraph {
  private WineMlpGraph() {}

  /** The layer parameters as graph operands. */
  static final class Layers {
    final Operand<TFloat32> w1;
    final Operand<TFloat32> b1;
    final Operand<TFloat32> w2;
    final Operand<TFloat32> b2;

    Layers(Operand<TFloat32> w1, Operand<TFloat32> b1, Operand<TFloat32> w2, Operand<TFloat32> b2) {
      this.w1 = w1;
      this.b1 = b1;
      this.w2 = w2;
      this.b2 = b2;
    }
  }

  /** The trained parameters as variables initialised to their values (for a SavedModel). */
  static Layers variables(Ops tf, WineMlpWeights w) {
    return new Layers(
        tf.withName("dense1_kernel").variable(tf.constant(w.w1)),
        tf.withName("dense1_bias").variable(tf.constant(w.b1)),
        tf.withName("dense2_kernel").variable(tf.constant(w.w2)),
        tf.withName("dense2_bias").variable(tf.constant(w.b2)));
  }

  /** The trained parameters as constants (for a frozen graph). */
  static Layers constants(Ops tf, WineMlpWeights w) {
    return new Layers(
        tf.withName("dense1_kernel").constant(w.w1),
        tf.withName("dense1_bias").constant(w.b1),
        tf.withName("dense2_kernel").constant(w.w2),
        tf.withName("dense2_bias").constant(w.b2));
  }

  /** The prediction for a {@code [-1, 11]} input: shape {@code [-1, 1]}. */
  static Operand<TFloat32> forward(
      Ops tf, Operand<TFloat32> features, float[] mean, float[] std, Layers layers) {
    Constant<TFloat32> meanC = tf.withName("feature_mean").constant(mean);
    Constant<TFloat32> stdC = tf.withName("feature_std").constant(std);
    Operand<TFloat32> standardised = tf.math.div(tf.math.sub(features, meanC), stdC);
    Operand<TFloat32> hidden =
        tf.nn.relu(tf.math.add(tf.linalg.matMul(standardised, layers.w1), layers.b1));
    return tf.math.add(tf.linalg.matMul(hidden, layers.w2), layers.b2);
  }
}

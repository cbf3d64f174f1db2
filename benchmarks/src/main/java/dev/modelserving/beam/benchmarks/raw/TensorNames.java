package dev.modelserving.beam.benchmarks.raw;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;

/** Resolves the graph tensors behind a SavedModel signature's input and output keys. */
public final class TensorNames {
  private TensorNames() {}

  /** The graph tensor of input {@code key} of the bundle's {@code signature}. */
  public static Output<?> input(SavedModelBundle bundle, String signature, String key) {
    return resolve(bundle.graph(), describe(signature(bundle, signature).getInputs().get(key), signature, "input", key));
  }

  /** The graph tensor of output {@code key} of the bundle's {@code signature}. */
  public static Output<?> output(SavedModelBundle bundle, String signature, String key) {
    return resolve(bundle.graph(), describe(signature(bundle, signature).getOutputs().get(key), signature, "output", key));
  }

  private static Signature signature(SavedModelBundle bundle, String key) {
    for (Signature s : bundle.signatures()) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    throw new IllegalArgumentException("the SavedModel has no signature '" + key + "'");
  }

  private static String describe(Signature.TensorDescription d, String signature, String what, String key) {
    if (d == null) {
      throw new IllegalArgumentException("signature '" + signature + "' has no " + what + " '" + key + "'");
    }
    return d.name;
  }

  /** A tensor named {@code "operation:index"} (index 0 when left out). */
  static Output<?> resolve(Graph graph, String name) {
    int colon = name.lastIndexOf(':');
    String op = colon < 0 ? name : name.substring(0, colon);
    int index = colon < 0 ? 0 : Integer.parseInt(name.substring(colon + 1));
    GraphOperation operation = graph.operation(op);
    if (operation == null) {
      throw new IllegalArgumentException("the graph has no operation '" + op + "'");
    }
    return operation.output(index);
  }
}

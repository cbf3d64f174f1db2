package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.proto.InputMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Signature.TensorDescription;

/**
 * Binds a SavedModel signature's inputs to record fields, following the descriptor's input
 * mapping: packed (non-empty {@code tensor_columns}: one float [records, n] tensor) or per-feature
 * (each signature input reads the field {@code field_by_input} names, by default its own name).
 */
final class SignatureInputs {
  private SignatureInputs() {}

  static InputFeed bind(SavedModelBundle bundle, Signature signature, InputMapping mapping)
      throws ModelLoadException {
    Graph graph = bundle.graph();
    Map<String, TensorDescription> inputs = SignatureTensors.inputs(bundle, signature);
    String sig = "signature '" + signature.key() + "'";
    if (inputs.isEmpty()) {
      throw new ModelLoadException(sig + " has no inputs");
    }
    if (mapping.getTensorColumnsCount() > 0) {
      return packed(sig, inputs, graph, mapping);
    }
    if (!mapping.getTensorInput().isEmpty()) {
      throw new ModelLoadException(
          "input_mapping.tensor_input is '" + mapping.getTensorInput()
              + "' but input_mapping.tensor_columns is empty: list the record fields to pack"
              + " into it, in column order");
    }
    for (String input : mapping.getFieldByInputMap().keySet()) {
      if (!inputs.containsKey(input)) {
        throw new ModelLoadException(
            "input_mapping.field_by_input maps '" + input + "', which is not an input of " + sig
                + "; its inputs are " + TensorDescriptions.names(inputs.keySet()));
      }
    }
    List<FeatureInput> feeds = new ArrayList<>();
    for (Map.Entry<String, TensorDescription> e : inputs.entrySet()) {
      String field = mapping.getFieldByInputOrDefault(e.getKey(), e.getKey());
      TensorDescription d = e.getValue();
      Output<?> target = graphTensor(graph, sig, e.getKey(), d);
      feeds.add(FeatureInput.create(e.getKey(), field, target, d.dataType, d.shape));
    }
    return FeatureInputFeed.create(feeds);
  }

  private static InputFeed packed(
      String sig, Map<String, TensorDescription> inputs, Graph graph, InputMapping mapping)
      throws ModelLoadException {
    String name = mapping.getTensorInput();
    if (name.isEmpty()) {
      if (inputs.size() != 1) {
        throw new ModelLoadException(
            sig + " has " + inputs.size() + " inputs " + TensorDescriptions.names(inputs.keySet())
                + "; name the one to feed with tensor_columns in input_mapping.tensor_input");
      }
      name = inputs.keySet().iterator().next();
    }
    TensorDescription d = inputs.get(name);
    if (d == null) {
      throw new ModelLoadException(
          "input_mapping.tensor_input '" + name + "' is not an input of " + sig
              + "; its inputs are " + TensorDescriptions.names(inputs.keySet()));
    }
    if (inputs.size() > 1) {
      throw new ModelLoadException(
          sig + " has inputs " + TensorDescriptions.names(inputs.keySet())
              + " but input_mapping.tensor_columns feeds only '" + name
              + "'; a packed model must have exactly one input");
    }
    return PackedInputFeed.create(
        sig + " input '" + name + "'", graphTensor(graph, sig, name, d), d.dataType, d.shape,
        mapping.getTensorColumnsList());
  }

  /** The graph tensor behind a signature entry. */
  static Output<?> graphTensor(Graph graph, String sig, String key, TensorDescription d)
      throws ModelLoadException {
    Output<?> o = graph.output(d.name);
    if (o == null) {
      throw new ModelLoadException(
          sig + " maps '" + key + "' to tensor '" + d.name + "', which is not in the graph");
    }
    return o;
  }
}

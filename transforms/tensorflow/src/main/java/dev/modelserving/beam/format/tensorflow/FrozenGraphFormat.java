package dev.modelserving.beam.format.tensorflow;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.ModelFormat;
import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Format {@code "tensorflow-frozen-graph"}: {@code model_bytes} are a serialized GraphDef with its
 * weights as constants (a {@code .pb} file). A GraphDef has no signatures, so the descriptor must
 * name the tensors: {@code input_mapping.tensor_input} (the input operation, fed one float
 * [records, n] tensor made of the record fields {@code input_mapping.tensor_columns}, in order) and
 * {@code output_mapping.outputs} (the operations to fetch). Names may carry an output index, {@code
 * "op:1"}; without one, output 0 is meant. Outputs are decoded as described in {@link
 * OutputDecoder}; each output with one value per record is also a field named as configured.
 */
public final class FrozenGraphFormat implements ModelFormat {
  public static final String ID = "tensorflow-frozen-graph";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Scorer load(ModelDescriptor descriptor) throws ModelLoadException {
    return load(descriptor, ModelGuard.defaults());
  }

  /** Loads under {@code guard}: the graph's ops are checked against the {@linkplain GraphOps allow-list} first. */
  @Override
  public Scorer load(ModelDescriptor descriptor, ModelGuard guard) throws ModelLoadException {
    GraphDef def = parse(descriptor.getModelBytes().toByteArray());
    GraphOps.checkFrozenGraph(def, guard);
    InputMapping in = descriptor.getInputMapping();
    OutputMapping out = descriptor.getOutputMapping();
    List<AutoCloseable> resources = new ArrayList<>();
    boolean loaded = false;
    try {
      Graph graph = new Graph();
      resources.add(graph);
      try {
        graph.importGraphDef(def);
      } catch (RuntimeException e) {
        throw new ModelLoadException("TensorFlow cannot import the GraphDef: " + e.getMessage(), e);
      }
      checkSettings(def, in, out);
      Output<?> input = find(graph, in.getTensorInput());
      if (input == null) {
        throw new ModelLoadException(
            "input_mapping.tensor_input '" + in.getTensorInput() + "' is not an operation of the"
                + " graph; its placeholders are " + TensorDescriptions.names(placeholders(def)));
      }
      InputFeed feed =
          PackedInputFeed.create(
              "operation '" + in.getTensorInput() + "'", input, input.dataType(), input.shape(),
              in.getTensorColumnsList());
      List<Output<?>> fetches = new ArrayList<>();
      List<OutputDecoder.Spec> specs = new ArrayList<>();
      List<Shape> shapes = new ArrayList<>();
      for (String name : out.getOutputsList()) {
        Output<?> o = find(graph, name);
        if (o == null) {
          throw new ModelLoadException(
              "output_mapping.outputs names '" + name + "', which is not an operation of the graph;"
                  + " operations whose results nothing else uses: "
                  + TensorDescriptions.names(sinks(def)) + " (" + def.getNodeCount()
                  + " operations in all)");
        }
        fetches.add(o);
        specs.add(new OutputDecoder.Spec(name, o.dataType()));
        shapes.add(o.shape());
      }
      OutputDecoder decoder = OutputDecoder.create(specs, shapes, out.getLabelsList());
      Session session = new Session(graph);
      resources.add(0, session);
      TensorScorer scorer = new TensorScorer(session, feed, fetches, decoder, resources, null);
      loaded = true;
      return scorer;
    } catch (RuntimeException e) {
      throw new ModelLoadException("TensorFlow cannot load the frozen graph: " + e.getMessage(), e);
    } finally {
      if (!loaded) {
        TensorScorer.closeAll(resources);
      }
    }
  }

  private static GraphDef parse(byte[] bytes) throws ModelLoadException {
    if (ModelArchives.looksLikeZip(bytes)) {
      throw new ModelLoadException(
          "model_bytes are a zip archive, not a serialized GraphDef; a zipped SavedModel has"
              + " format " + SavedModelFormat.ID);
    }
    GraphDef def;
    try {
      def = GraphDef.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException(
          "model_bytes are not a serialized TensorFlow GraphDef (" + e.getMessage() + ")", e);
    }
    if (def.getNodeCount() == 0) {
      throw new ModelLoadException(
          "model_bytes are not a frozen graph: read as a GraphDef they hold no operations");
    }
    return def;
  }

  private static void checkSettings(GraphDef def, InputMapping in, OutputMapping out)
      throws ModelLoadException {
    if (in.getTensorInput().isEmpty()) {
      throw new ModelLoadException(
          "format " + ID + " needs input_mapping.tensor_input, the name of the input operation;"
              + " the graph's placeholders are " + TensorDescriptions.names(placeholders(def)));
    }
    if (in.getTensorColumnsCount() == 0) {
      throw new ModelLoadException(
          "format " + ID + " needs input_mapping.tensor_columns, the record fields fed to '"
              + in.getTensorInput() + "' in column order");
    }
    if (out.getOutputsCount() == 0) {
      throw new ModelLoadException(
          "format " + ID + " needs output_mapping.outputs, the names of the operations to fetch;"
              + " operations whose results nothing else uses: "
              + TensorDescriptions.names(sinks(def)));
    }
  }

  /** The output a name like "op" or "op:1" refers to, or null. */
  private static Output<?> find(Graph graph, String name) {
    int colon = name.lastIndexOf(':');
    String op = colon > 0 ? name.substring(0, colon) : name;
    int index = 0;
    if (colon > 0) {
      try {
        index = Integer.parseInt(name.substring(colon + 1));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    GraphOperation operation = graph.operation(op);
    if (operation == null || index < 0 || index >= operation.numOutputs()) {
      return null;
    }
    return operation.output(index);
  }

  private static Set<String> placeholders(GraphDef def) {
    Set<String> names = new TreeSet<>();
    for (NodeDef n : def.getNodeList()) {
      if (n.getOp().startsWith("Placeholder")) {
        names.add(n.getName());
      }
    }
    return names;
  }

  /** Operations no other operation reads: the likely outputs. */
  private static Set<String> sinks(GraphDef def) {
    Set<String> consumed = new HashSet<>();
    for (NodeDef n : def.getNodeList()) {
      for (String input : n.getInputList()) {
        String name = input.startsWith("^") ? input.substring(1) : input;
        int colon = name.lastIndexOf(':');
        consumed.add(colon > 0 ? name.substring(0, colon) : name);
      }
    }
    Set<String> sinks = new TreeSet<>();
    for (NodeDef n : def.getNodeList()) {
      if (!consumed.contains(n.getName()) && !n.getOp().equals("NoOp")) {
        sinks.add(n.getName());
      }
    }
    return sinks;
  }
}

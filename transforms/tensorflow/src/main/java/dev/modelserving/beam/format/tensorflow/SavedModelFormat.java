package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.ModelFormat;
import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Signature.TensorDescription;
import org.tensorflow.ndarray.Shape;

/**
 * Format {@code "tensorflow-saved-model"}: {@code model_bytes} are the zip of a SavedModel
 * directory (at the archive's root, or one directory down), loaded once with tag "serve".
 *
 * <p>The signature is {@code output_mapping.signature} (default "serving_default"). Inputs are
 * either packed, when {@code input_mapping.tensor_columns} is set (those record fields, in order,
 * as one float [records, n] tensor fed to {@code input_mapping.tensor_input}, by default the
 * signature's only input), or per feature (each signature input reads the record field {@code
 * input_mapping.field_by_input} names, by default the field with the input's own name, which may
 * contain spaces). Outputs are {@code output_mapping.outputs}, or all of the signature's; see
 * {@link OutputDecoder} for how they become a value, label, probabilities and fields (named by
 * their signature output keys).
 *
 * <pre>{@code
 * ModelDescriptor d = ModelDescriptor.newBuilder()
 *     .setFormat("tensorflow-saved-model")
 *     .setModelBytes(ByteString.copyFrom(ModelArchives.zipDirectory(savedModelDir)))
 *     .setInputMapping(InputMapping.newBuilder().addAllTensorColumns(columns))
 *     ...
 *     .build();
 * }</pre>
 *
 * <p>The archive is unpacked to a temporary directory, deleted when the scorer closes.
 */
public final class SavedModelFormat implements ModelFormat {
  public static final String ID = "tensorflow-saved-model";
  public static final String TAG = "serve";
  public static final String DEFAULT_SIGNATURE = "serving_default";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Scorer load(ModelDescriptor descriptor) throws ModelLoadException {
    return load(descriptor, ModelGuard.defaults());
  }

  /**
   * Loads under {@code guard}: the archive is unpacked within its limits, and the graph's ops are
   * checked against the {@linkplain GraphOps allow-list} before TensorFlow loads it (the load runs
   * the variables restore).
   */
  @Override
  public Scorer load(ModelDescriptor descriptor, ModelGuard guard) throws ModelLoadException {
    byte[] bytes = descriptor.getModelBytes().toByteArray();
    if (!ModelArchives.looksLikeZip(bytes)) {
      throw new ModelLoadException(
          "model_bytes are not a zip archive: format " + ID + " expects the zip of a SavedModel"
              + " directory (ModelArchives.zipDirectory); a serialized GraphDef has format "
              + FrozenGraphFormat.ID);
    }
    Path temp;
    try {
      temp = ModelArchives.unzipToTempDirectory(bytes, "tf-saved-model-", guard.archiveLimits());
    } catch (IOException e) {
      throw new ModelLoadException("cannot unzip the SavedModel archive: " + e.getMessage(), e);
    }
    List<AutoCloseable> resources = new ArrayList<>();
    boolean loaded = false;
    try {
      Path dir = SavedModelDirectory.find(temp);
      GraphOps.checkSavedModel(dir, TAG, guard);
      SavedModelBundle bundle = loadBundle(dir);
      resources.add(bundle);
      Signature signature = signature(bundle, descriptor.getOutputMapping());
      InputFeed input =
          SignatureInputs.bind(bundle, signature, descriptor.getInputMapping());
      Map<String, TensorDescription> outputs =
          outputs(bundle, signature, descriptor.getOutputMapping());
      String sig = "signature '" + signature.key() + "'";
      List<Output<?>> fetches = new ArrayList<>();
      List<OutputDecoder.Spec> specs = new ArrayList<>();
      List<Shape> shapes = new ArrayList<>();
      for (Map.Entry<String, TensorDescription> e : outputs.entrySet()) {
        fetches.add(SignatureInputs.graphTensor(bundle.graph(), sig, e.getKey(), e.getValue()));
        specs.add(new OutputDecoder.Spec(e.getKey(), e.getValue().dataType));
        shapes.add(e.getValue().shape);
      }
      OutputDecoder decoder =
          OutputDecoder.create(specs, shapes, descriptor.getOutputMapping().getLabelsList());
      TensorScorer scorer =
          new TensorScorer(bundle.session(), input, fetches, decoder, resources, temp);
      loaded = true;
      return scorer;
    } catch (RuntimeException e) {
      throw new ModelLoadException("TensorFlow cannot load the SavedModel: " + e.getMessage(), e);
    } finally {
      if (!loaded) {
        TensorScorer.closeAll(resources);
        ModelArchives.deleteRecursively(temp);
      }
    }
  }

  private static SavedModelBundle loadBundle(Path dir) throws ModelLoadException {
    try {
      return SavedModelBundle.load(dir.toString(), TAG);
    } catch (RuntimeException e) {
      throw new ModelLoadException(
          "TensorFlow cannot load the SavedModel with tag '" + TAG + "': " + e.getMessage(), e);
    }
  }

  private static Signature signature(SavedModelBundle bundle, OutputMapping mapping)
      throws ModelLoadException {
    String key = mapping.getSignature().isEmpty() ? DEFAULT_SIGNATURE : mapping.getSignature();
    TreeSet<String> available = new TreeSet<>();
    for (Signature s : bundle.signatures()) {
      if (s.key().equals(key)) {
        return s;
      }
      if (!s.key().startsWith("__")) {
        available.add(s.key());
      }
    }
    throw new ModelLoadException(
        "the SavedModel has no signature '" + key + "'"
            + (mapping.getSignature().isEmpty()
                ? " (the default: output_mapping.signature is empty)"
                : "")
            + "; its signatures are " + TensorDescriptions.names(available)
            + ": set output_mapping.signature to one of them");
  }

  /** The outputs to fetch, in the configured order (or all, by key). */
  private static Map<String, TensorDescription> outputs(
      SavedModelBundle bundle, Signature signature, OutputMapping mapping)
      throws ModelLoadException {
    Map<String, TensorDescription> all = SignatureTensors.outputs(bundle, signature);
    if (all.isEmpty()) {
      throw new ModelLoadException("signature '" + signature.key() + "' has no outputs");
    }
    if (mapping.getOutputsCount() == 0) {
      return all;
    }
    Map<String, TensorDescription> chosen = new LinkedHashMap<>();
    for (String name : mapping.getOutputsList()) {
      TensorDescription d = all.get(name);
      if (d == null) {
        throw new ModelLoadException(
            "output_mapping.outputs names '" + name + "', which is not an output of signature '"
                + signature.key() + "'; its outputs are " + TensorDescriptions.names(all.keySet()));
      }
      chosen.put(name, d);
    }
    return chosen;
  }
}

package dev.modelserving.beam.format.tensorflow;

import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Signature.TensorDescription;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * A signature's inputs and outputs by key, with their declared shapes. TensorFlow Java 1.1.0's
 * {@link Signature#getInputs()} reads a tensor of unknown rank as a scalar; here it stays {@link
 * Shape#unknown()}, so that such an input is fed one value per record and can batch.
 */
final class SignatureTensors {
  private SignatureTensors() {}

  /** The signature's inputs, sorted by key. */
  static Map<String, TensorDescription> inputs(SavedModelBundle bundle, Signature signature) {
    SignatureDef def = bundle.metaGraphDef().getSignatureDefMap().get(signature.key());
    return withUnknownRanks(signature.getInputs(), def == null ? Map.of() : def.getInputsMap());
  }

  /** The signature's outputs, sorted by key. */
  static Map<String, TensorDescription> outputs(SavedModelBundle bundle, Signature signature) {
    SignatureDef def = bundle.metaGraphDef().getSignatureDefMap().get(signature.key());
    return withUnknownRanks(signature.getOutputs(), def == null ? Map.of() : def.getOutputsMap());
  }

  private static Map<String, TensorDescription> withUnknownRanks(
      Map<String, TensorDescription> described, Map<String, TensorInfo> infos) {
    Map<String, TensorDescription> out = new TreeMap<>();
    described.forEach(
        (key, d) -> {
          TensorInfo info = infos.get(key);
          boolean unknownRank = info != null && info.getTensorShape().getUnknownRank();
          out.put(key, unknownRank ? new TensorDescription(d.dataType, Shape.unknown(), d.name) : d);
        });
    return out;
  }
}

package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Turns the fetched tensors of one record into a {@link ModelOutput}, output by output in fetch
 * order:
 *
 * <ul>
 *   <li>a float or double output with one number per record gives the value (the first such
 *       output, if there are several);
 *   <li>a float or double output with k &gt; 1 numbers per record gives the class probabilities,
 *       keyed by {@code output_mapping.labels} (or "0" .. "k-1"), and the label is their argmax
 *       unless another output names the class;
 *   <li>an int32/int64 output with one number per record is a class index: the label is {@code
 *       labels[index]} when labels are configured, else the index;
 *   <li>a string output with one value per record is the label; with k values per record it names
 *       the classes of the probabilities when no labels are configured.
 * </ul>
 */
final class OutputDecoder {

  /** One fetched output: its name as configured and its element type. */
  static final class Spec {
    final String name;
    final DataType dtype;

    Spec(String name, DataType dtype) {
      this.name = name;
      this.dtype = dtype;
    }
  }

  private final List<Spec> outputs;
  private final List<String> labels;

  private OutputDecoder(List<Spec> outputs, List<String> labels) {
    this.outputs = List.copyOf(outputs);
    this.labels = List.copyOf(labels);
  }

  /**
   * Checks the outputs' types, and that a probability output's known width matches the labels.
   *
   * @param shapes the declared shape of each output, in the same order (entries may be unknown)
   */
  static OutputDecoder create(List<Spec> outputs, List<Shape> shapes, List<String> labels)
      throws ModelLoadException {
    for (int i = 0; i < outputs.size(); i++) {
      Spec s = outputs.get(i);
      if (!isNumber(s.dtype) && !isInteger(s.dtype) && s.dtype != DataType.DT_STRING) {
        throw new ModelLoadException(
            "output '" + s.name + "' has type " + TensorDescriptions.type(s.dtype)
                + ", which cannot be turned into a value, label or probabilities; choose the"
                + " outputs to read with output_mapping.outputs");
      }
      long width = TensorDescriptions.lastDimension(shapes.get(i));
      if (isNumber(s.dtype) && !labels.isEmpty() && width > 1 && width != labels.size()) {
        throw new ModelLoadException(
            "output '" + s.name + "' gives " + width + " probabilities per record (shape "
                + TensorDescriptions.shape(shapes.get(i)) + ") but output_mapping.labels lists "
                + labels.size() + ": " + labels);
      }
    }
    return new OutputDecoder(outputs, labels);
  }

  /** Decodes a run's result; its tensors are in the order of the specs. */
  ModelOutput decode(Result result) throws InvalidRecordException {
    Double value = null;
    String label = null;
    double[] scores = null;
    String scoresName = null;
    String[] classNames = null;
    for (int i = 0; i < outputs.size(); i++) {
      Spec spec = outputs.get(i);
      Tensor t = result.get(i);
      if (isNumber(spec.dtype)) {
        double[] v = numbers(t);
        requireValues(spec, v.length);
        if (v.length == 1) {
          value = value == null ? v[0] : value;
        } else if (scores == null) {
          scores = v;
          scoresName = spec.name;
        }
      } else if (isInteger(spec.dtype)) {
        double[] v = numbers(t);
        requireValues(spec, v.length);
        if (v.length != 1) {
          throw new InvalidRecordException(
              "output '" + spec.name + "' gives " + v.length
                  + " integers for the record; a class output must give one");
        }
        label = labelOf((long) v[0]);
      } else {
        String[] s = strings((TString) t);
        requireValues(spec, s.length);
        if (s.length == 1) {
          label = s[0];
        } else {
          classNames = s;
        }
      }
    }
    Map<String, Double> probabilities = null;
    if (scores != null) {
      probabilities = probabilities(scoresName, scores, classNames);
      if (label == null) {
        label = argmaxKey(probabilities);
      }
    }
    return ModelOutput.of(value, label, probabilities);
  }

  private Map<String, Double> probabilities(String name, double[] scores, String[] classNames)
      throws InvalidRecordException {
    if (!labels.isEmpty() && labels.size() != scores.length) {
      throw new InvalidRecordException(
          "output '" + name + "' gave " + scores.length + " probabilities but"
              + " output_mapping.labels lists " + labels.size() + ": " + labels);
    }
    Map<String, Double> p = new LinkedHashMap<>();
    for (int k = 0; k < scores.length; k++) {
      String key =
          !labels.isEmpty()
              ? labels.get(k)
              : classNames != null && classNames.length == scores.length
                  ? classNames[k]
                  : Integer.toString(k);
      p.put(key, scores[k]);
    }
    return p;
  }

  private static String argmaxKey(Map<String, Double> probabilities) {
    String best = null;
    double max = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, Double> e : probabilities.entrySet()) {
      if (best == null || e.getValue() > max) {
        best = e.getKey();
        max = e.getValue();
      }
    }
    return best;
  }

  private String labelOf(long index) {
    return index >= 0 && index < labels.size() ? labels.get((int) index) : Long.toString(index);
  }

  private static void requireValues(Spec spec, int count) throws InvalidRecordException {
    if (count == 0) {
      throw new InvalidRecordException("output '" + spec.name + "' gave no value for the record");
    }
  }

  static boolean isNumber(DataType t) {
    return t == DataType.DT_FLOAT || t == DataType.DT_DOUBLE;
  }

  static boolean isInteger(DataType t) {
    return t == DataType.DT_INT32 || t == DataType.DT_INT64;
  }

  private static double[] numbers(Tensor t) {
    int n = Math.toIntExact(t.shape().size());
    double[] out = new double[n];
    if (t instanceof TFloat32) {
      float[] f = new float[n];
      ((TFloat32) t).copyTo(DataBuffers.of(f, false, false));
      for (int i = 0; i < n; i++) {
        out[i] = f[i];
      }
    } else if (t instanceof TFloat64) {
      ((TFloat64) t).copyTo(DataBuffers.of(out, false, false));
    } else if (t instanceof TInt32) {
      int[] v = new int[n];
      ((TInt32) t).copyTo(DataBuffers.of(v, false, false));
      for (int i = 0; i < n; i++) {
        out[i] = v[i];
      }
    } else if (t instanceof TInt64) {
      long[] v = new long[n];
      ((TInt64) t).copyTo(DataBuffers.of(v, false, false));
      for (int i = 0; i < n; i++) {
        out[i] = v[i];
      }
    } else {
      throw new IllegalStateException("not a numeric tensor: " + t.dataType());
    }
    return out;
  }

  private static String[] strings(TString t) {
    String[] out = new String[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }
}

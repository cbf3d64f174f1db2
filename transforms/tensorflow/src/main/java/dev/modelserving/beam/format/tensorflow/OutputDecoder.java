package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelOutput;
import java.util.ArrayList;
import java.util.Collections;
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
 * Turns the fetched tensors of a run into one {@link ModelOutput} per record. An output's leading
 * dimension is the record (a run of one record owns all of its outputs' values, whatever their
 * shape); the values of a row are read output by output in fetch order:
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
 *
 * <p>Every output with one value per record is also a named field of the output, by its name as
 * configured (a signature output key, or a graph operation name): a number, or a text for string
 * outputs. A single record is decoded as a run of one row, on the same path as a batch.
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
  private final List<Shape> shapes;
  private final List<String> labels;

  private OutputDecoder(List<Spec> outputs, List<Shape> shapes, List<String> labels) {
    this.outputs = List.copyOf(outputs);
    this.shapes = Collections.unmodifiableList(new ArrayList<>(shapes)); // may hold nulls
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
    return new OutputDecoder(outputs, shapes, labels);
  }

  /**
   * Why the declared output shapes rule out one row per record when the inputs' batch dimension is
   * {@code batchSize} ({@link InputFeed#ANY_BATCH}, or fixed): the first output declared a scalar,
   * or with a fixed leading dimension other than {@code batchSize}; null if every output may follow
   * the batch (its shape, or its leading dimension, is unknown or matches).
   */
  String declaredRowMismatch(int batchSize) {
    for (int i = 0; i < outputs.size(); i++) {
      Shape shape = shapes.get(i);
      int rank = TensorDescriptions.rank(shape);
      if (rank == 0 || (rank > 0 && shape.get(0) > 0 && shape.get(0) != batchSize)) {
        return "output '" + outputs.get(i).name + "' is declared with shape "
            + TensorDescriptions.shape(shape);
      }
    }
    return null;
  }

  /**
   * Why a run of {@code rows} rows did not give one row per record: the first output whose leading
   * dimension is not {@code rows}; null if every output has it. A run of one row always does: all
   * of its outputs' values belong to its record.
   */
  String rowMismatch(Result result, int rows) {
    if (rows == 1) {
      return null;
    }
    for (int i = 0; i < outputs.size(); i++) {
      Shape shape = result.get(i).shape();
      if (shape.numDimensions() == 0 || shape.get(0) != rows) {
        return "output '" + outputs.get(i).name + "' has shape " + TensorDescriptions.shape(shape)
            + " for " + rows + " rows fed";
      }
    }
    return null;
  }

  /**
   * The values of a run's outputs, copied out of its result (whose tensors are in the order of the
   * specs) and split into {@code rows} rows. Check {@link #rowMismatch} first.
   */
  Rows rows(Result result, int rows) {
    return new Rows(result, rows);
  }

  /** A run's outputs, row by row: {@link #decode} turns row r into the output of record r. */
  final class Rows {
    /** Per output: its numbers (numeric outputs) or its texts (string outputs), row after row. */
    private final double[][] numbers = new double[outputs.size()][];
    private final String[][] texts = new String[outputs.size()][];
    /** Per output: the number of values in a row. */
    private final int[] widths = new int[outputs.size()];

    private Rows(Result result, int rows) {
      for (int i = 0; i < widths.length; i++) {
        Tensor t = result.get(i);
        if (outputs.get(i).dtype == DataType.DT_STRING) {
          texts[i] = strings((TString) t);
          widths[i] = texts[i].length / rows;
        } else {
          numbers[i] = numbers(t);
          widths[i] = numbers[i].length / rows;
        }
      }
    }

    /** The output of the record in row {@code row}. */
    ModelOutput decode(int row) throws InvalidRecordException {
      ModelOutput.Builder out = ModelOutput.builder();
      Double value = null;
      String label = null;
      int scores = -1;
      int classNames = -1;
      for (int i = 0; i < widths.length; i++) {
        Spec spec = outputs.get(i);
        int width = widths[i];
        requireValues(spec, width);
        int at = row * width;
        if (isNumber(spec.dtype)) {
          if (width == 1) {
            value = value == null ? numbers[i][at] : value;
            out.field(spec.name, numbers[i][at]);
          } else if (scores < 0) {
            scores = i;
          }
        } else if (isInteger(spec.dtype)) {
          if (width != 1) {
            throw new InvalidRecordException(
                "output '" + spec.name + "' gives " + width
                    + " integers for the record; a class output must give one");
          }
          label = labelOf((long) numbers[i][at]);
          out.field(spec.name, numbers[i][at]);
        } else if (width == 1) {
          label = texts[i][at];
          out.field(spec.name, label);
        } else {
          classNames = i;
        }
      }
      if (scores >= 0) {
        Map<String, Double> p = probabilities(scores, row, classNames);
        out.probabilities(p);
        if (label == null) {
          label = argmaxKey(p);
        }
      }
      return out.value(value).label(label).build();
    }

    /** Output {@code scores}' values in row {@code row}, keyed by label or class name. */
    private Map<String, Double> probabilities(int scores, int row, int classNames)
        throws InvalidRecordException {
      int width = widths[scores];
      if (!labels.isEmpty() && labels.size() != width) {
        throw new InvalidRecordException(
            "output '" + outputs.get(scores).name + "' gave " + width + " probabilities but"
                + " output_mapping.labels lists " + labels.size() + ": " + labels);
      }
      boolean named = classNames >= 0 && widths[classNames] == width;
      Map<String, Double> p = new LinkedHashMap<>();
      for (int k = 0; k < width; k++) {
        String key =
            !labels.isEmpty()
                ? labels.get(k)
                : named ? texts[classNames][row * width + k] : Integer.toString(k);
        p.put(key, numbers[scores][row * width + k]);
      }
      return p;
    }
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

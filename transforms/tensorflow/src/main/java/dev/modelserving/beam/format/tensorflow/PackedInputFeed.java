package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelLoadException;
import java.util.List;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Feeds several record fields as one float tensor of shape {@code [1, n]}, in the order of {@code
 * input_mapping.tensor_columns}.
 */
final class PackedInputFeed implements InputFeed {
  private final Output<?> target;
  private final List<String> columns;
  private final Shape shape;

  private PackedInputFeed(Output<?> target, List<String> columns) {
    this.target = target;
    this.columns = List.copyOf(columns);
    this.shape = Shape.of(1, columns.size());
  }

  /**
   * Checks that the input takes {@code columns.size()} floats per record.
   *
   * @param description how to name the input in errors, e.g. "signature 'x' input 'features'"
   */
  static PackedInputFeed create(
      String description, Output<?> target, DataType dtype, Shape declared, List<String> columns)
      throws ModelLoadException {
    if (dtype != DataType.DT_FLOAT) {
      throw new ModelLoadException(
          description + " has type " + TensorDescriptions.type(dtype)
              + ", but input_mapping.tensor_columns feeds a float tensor; only float inputs can"
              + " be packed (leave tensor_columns empty to feed one record field per input)");
    }
    int rank = TensorDescriptions.rank(declared);
    if (rank >= 0 && rank != 2) {
      throw new ModelLoadException(
          description + " has shape " + TensorDescriptions.shape(declared)
              + ", but input_mapping.tensor_columns feeds a [1, " + columns.size()
              + "] matrix; packed inputs must have rank 2");
    }
    long width = TensorDescriptions.lastDimension(declared);
    if (width >= 0 && width != columns.size()) {
      throw new ModelLoadException(
          description + " takes " + width + " columns (shape " + TensorDescriptions.shape(declared)
              + ") but input_mapping.tensor_columns lists " + columns.size() + ": " + columns
              + "; list exactly " + width + " record fields in the model's column order");
    }
    return new PackedInputFeed(target, columns);
  }

  @Override
  public List<String> requiredFields() {
    return columns;
  }

  @Override
  public void feed(Session.Runner runner, Features features, List<Tensor> created)
      throws InvalidRecordException {
    float[] values = new float[columns.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) features.getNumber(columns.get(i));
    }
    TFloat32 tensor = TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
    created.add(tensor);
    runner.feed(target, tensor);
  }
}

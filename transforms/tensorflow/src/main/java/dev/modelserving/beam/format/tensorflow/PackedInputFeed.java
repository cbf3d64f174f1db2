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
 * Feeds several record fields as one float matrix of shape {@code [records, k]}: one row per
 * record, its columns in the order of {@code input_mapping.tensor_columns}.
 */
final class PackedInputFeed implements InputFeed {
  private final Output<?> target;
  private final List<String> columns;
  private final String[] columnArray;
  private final int batchSize;

  private PackedInputFeed(Output<?> target, List<String> columns, int batchSize) {
    this.target = target;
    this.columns = List.copyOf(columns);
    this.columnArray = columns.toArray(new String[0]);
    this.batchSize = batchSize;
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
              + ", but input_mapping.tensor_columns feeds a [records, " + columns.size()
              + "] matrix; packed inputs must have rank 2");
    }
    long width = TensorDescriptions.lastDimension(declared);
    if (width >= 0 && width != columns.size()) {
      throw new ModelLoadException(
          description + " takes " + width + " columns (shape " + TensorDescriptions.shape(declared)
              + ") but input_mapping.tensor_columns lists " + columns.size() + ": " + columns
              + "; list exactly " + width + " record fields in the model's column order");
    }
    return new PackedInputFeed(target, columns, InputFeed.batchSizeOf(declared));
  }

  @Override
  public List<String> requiredFields() {
    return columns;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public InputFeed.Batch newBatch(int rows) {
    return new PackedBatch(rows);
  }

  /** The records' values, row after row, in one float array. */
  private final class PackedBatch implements InputFeed.Batch {
    private final float[] values;
    private int size;

    PackedBatch(int rows) {
      this.values = new float[rows * columnArray.length];
    }

    @Override
    public void add(Features features) throws InvalidRecordException {
      int k = columnArray.length;
      int at = size * k;
      for (int c = 0; c < k; c++) {
        values[at + c] = (float) features.getNumber(columnArray[c]);
      }
      size++;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public void feed(Session.Runner runner, int rows, List<Tensor> created) {
      int k = columnArray.length;
      for (int r = size; r < rows; r++) {
        System.arraycopy(values, (size - 1) * k, values, r * k, k);
      }
      TFloat32 tensor =
          TFloat32.tensorOf(
              Shape.of(rows, k), DataBuffers.of(values, true, false).narrow((long) rows * k));
      created.add(tensor);
      runner.feed(target, tensor);
    }
  }
}

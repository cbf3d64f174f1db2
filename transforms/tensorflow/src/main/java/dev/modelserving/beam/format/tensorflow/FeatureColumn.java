package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import java.util.Arrays;
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
 * The values of one {@link FeatureInput} for the records of a run, one per row, in an array of the
 * input's type; the tensor is made from the array in one copy.
 */
abstract class FeatureColumn {
  final FeatureInput input;

  private FeatureColumn(FeatureInput input) {
    this.input = input;
  }

  static FeatureColumn of(FeatureInput input, DataType dtype, int rows) {
    switch (dtype) {
      case DT_FLOAT:
        return new Floats(input, rows);
      case DT_DOUBLE:
        return new Doubles(input, rows);
      case DT_INT32:
        return new Ints(input, rows);
      case DT_INT64:
        return new Longs(input, rows);
      case DT_STRING:
        return new Strings(input, rows);
      default:
        throw new IllegalStateException("unsupported type " + dtype + " passed the load check");
    }
  }

  /** Reads the record's value into row {@code row}. */
  abstract void read(Features features, int row) throws InvalidRecordException;

  /**
   * A new tensor of {@code shape} (one value per row) holding rows {@code 0 .. filled - 1}; rows
   * past {@code filled} repeat the last one. The caller closes it.
   */
  abstract Tensor tensor(Shape shape, int filled);

  private static final class Floats extends FeatureColumn {
    private final float[] values;

    Floats(FeatureInput input, int rows) {
      super(input);
      this.values = new float[rows];
    }

    @Override
    void read(Features features, int row) throws InvalidRecordException {
      values[row] = input.floatValue(features);
    }

    @Override
    Tensor tensor(Shape shape, int filled) {
      Arrays.fill(values, filled, (int) shape.size(), values[filled - 1]);
      return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false).narrow(shape.size()));
    }
  }

  private static final class Doubles extends FeatureColumn {
    private final double[] values;

    Doubles(FeatureInput input, int rows) {
      super(input);
      this.values = new double[rows];
    }

    @Override
    void read(Features features, int row) throws InvalidRecordException {
      values[row] = input.doubleValue(features);
    }

    @Override
    Tensor tensor(Shape shape, int filled) {
      Arrays.fill(values, filled, (int) shape.size(), values[filled - 1]);
      return TFloat64.tensorOf(shape, DataBuffers.of(values, true, false).narrow(shape.size()));
    }
  }

  private static final class Ints extends FeatureColumn {
    private final int[] values;

    Ints(FeatureInput input, int rows) {
      super(input);
      this.values = new int[rows];
    }

    @Override
    void read(Features features, int row) throws InvalidRecordException {
      values[row] = Math.toIntExact(input.integerValue(features));
    }

    @Override
    Tensor tensor(Shape shape, int filled) {
      Arrays.fill(values, filled, (int) shape.size(), values[filled - 1]);
      return TInt32.tensorOf(shape, DataBuffers.of(values, true, false).narrow(shape.size()));
    }
  }

  private static final class Longs extends FeatureColumn {
    private final long[] values;

    Longs(FeatureInput input, int rows) {
      super(input);
      this.values = new long[rows];
    }

    @Override
    void read(Features features, int row) throws InvalidRecordException {
      values[row] = input.integerValue(features);
    }

    @Override
    Tensor tensor(Shape shape, int filled) {
      Arrays.fill(values, filled, (int) shape.size(), values[filled - 1]);
      return TInt64.tensorOf(shape, DataBuffers.of(values, true, false).narrow(shape.size()));
    }
  }

  private static final class Strings extends FeatureColumn {
    private final String[] values;

    Strings(FeatureInput input, int rows) {
      super(input);
      this.values = new String[rows];
    }

    @Override
    void read(Features features, int row) throws InvalidRecordException {
      values[row] = input.textValue(features);
    }

    @Override
    Tensor tensor(Shape shape, int filled) {
      Arrays.fill(values, filled, (int) shape.size(), values[filled - 1]);
      return TString.tensorOf(shape, DataBuffers.of(values, true, false).narrow(shape.size()));
    }
  }
}

package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelLoadException;
import java.util.EnumSet;
import java.util.Set;
import org.tensorflow.Output;
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
 * One model input fed from one record field, as a one-value tensor whose rank follows the
 * declared shape: a scalar, {@code [1]} or {@code [1, 1]}.
 */
final class FeatureInput {
  private static final Set<DataType> SUPPORTED =
      EnumSet.of(
          DataType.DT_FLOAT, DataType.DT_DOUBLE, DataType.DT_INT32, DataType.DT_INT64,
          DataType.DT_STRING);

  final String input;
  final String field;
  private final Output<?> target;
  private final DataType dtype;
  private final Shape feedShape;

  private FeatureInput(String input, String field, Output<?> target, DataType dtype, Shape shape) {
    this.input = input;
    this.field = field;
    this.target = target;
    this.dtype = dtype;
    this.feedShape = shape;
  }

  /**
   * Checks that the input takes one value per record of a type records can supply.
   *
   * @param input the input's name (a signature input key)
   * @param field the record field it reads
   */
  static FeatureInput create(
      String input, String field, Output<?> target, DataType dtype, Shape declared)
      throws ModelLoadException {
    if (!SUPPORTED.contains(dtype)) {
      throw new ModelLoadException(
          "input '" + input + "' has type " + TensorDescriptions.type(dtype)
              + "; record fields can feed float, double, int32, int64 and string inputs only");
    }
    return new FeatureInput(input, field, target, dtype, feedShape(input, declared));
  }

  private static Shape feedShape(String input, Shape declared) throws ModelLoadException {
    int rank = TensorDescriptions.rank(declared);
    if (rank < 0) {
      return Shape.of(1);
    }
    if (rank > 2 || (rank >= 1 && declared.get(rank - 1) > 1)) {
      throw new ModelLoadException(
          "input '" + input + "' has shape " + TensorDescriptions.shape(declared)
              + ", more than one value per record; feed it from several record fields with"
              + " input_mapping.tensor_columns (and tensor_input '" + input + "')");
    }
    if (rank == 2 && declared.get(0) > 1) {
      throw new ModelLoadException(
          "input '" + input + "' has a fixed batch size: shape "
              + TensorDescriptions.shape(declared) + "; records are scored one at a time");
    }
    return rank == 0 ? Shape.scalar() : rank == 1 ? Shape.of(1) : Shape.of(1, 1);
  }

  /** A new one-value tensor holding the record's value for this input; the caller closes it. */
  Tensor tensor(Features features) throws InvalidRecordException {
    switch (dtype) {
      case DT_FLOAT:
        float f = (float) features.getNumber(field);
        return TFloat32.tensorOf(feedShape, DataBuffers.of(new float[] {f}, true, false));
      case DT_DOUBLE:
        return TFloat64.tensorOf(
            feedShape, DataBuffers.of(new double[] {features.getNumber(field)}, true, false));
      case DT_INT32:
        return TInt32.tensorOf(
            feedShape, DataBuffers.of(new int[] {Math.toIntExact(integer(features))}, true, false));
      case DT_INT64:
        return TInt64.tensorOf(
            feedShape, DataBuffers.of(new long[] {integer(features)}, true, false));
      case DT_STRING:
        return TString.tensorOf(feedShape, DataBuffers.ofObjects(text(features)));
      default:
        throw new IllegalStateException("unsupported type " + dtype + " passed the load check");
    }
  }

  Output<?> target() {
    return target;
  }

  private long integer(Features features) throws InvalidRecordException {
    double v = features.getNumber(field);
    double limit = dtype == DataType.DT_INT32 ? Integer.MAX_VALUE : 9e15;
    if (v != Math.rint(v) || Math.abs(v) > limit) {
      throw new InvalidRecordException(
          "feature '" + field + "' feeds integer input '" + input + "' but is " + v);
    }
    return (long) v;
  }

  private String text(Features features) throws InvalidRecordException {
    Object v = features.get(field);
    if (v == null) {
      throw new InvalidRecordException("missing feature '" + field + "'");
    }
    return v instanceof String ? (String) v : v.toString();
  }
}

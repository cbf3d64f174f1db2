package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelLoadException;
import java.util.EnumSet;
import java.util.Set;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * One model input fed from one record field: one value per record, along the input's leading
 * (batch) dimension. Its tensor follows the declared rank: {@code [records]} for a rank-1 input or
 * an unknown shape, {@code [records, 1]} for rank 2, and a scalar (one record per run) for rank 0.
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
  private final Shape declared;

  private FeatureInput(
      String input, String field, Output<?> target, DataType dtype, Shape declared) {
    this.input = input;
    this.field = field;
    this.target = target;
    this.dtype = dtype;
    this.declared = declared;
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
    int rank = TensorDescriptions.rank(declared);
    if (rank > 2) {
      throw new ModelLoadException(
          "input '" + input + "' has shape " + TensorDescriptions.shape(declared)
              + "; a record field feeds one value per record, to a scalar, [n] or [n, 1] input");
    }
    if (rank == 2 && declared.get(1) > 1) {
      throw new ModelLoadException(
          "input '" + input + "' has shape " + TensorDescriptions.shape(declared)
              + ", more than one value per record; feed it from several record fields with"
              + " input_mapping.tensor_columns (and tensor_input '" + input + "')");
    }
    return new FeatureInput(input, field, target, dtype, declared);
  }

  /** The records one run takes, as {@link InputFeed#batchSize()}. */
  int batchSize() {
    return InputFeed.batchSizeOf(declared);
  }

  /** "input 'x' (shape [32, 1])", for errors. */
  String describe() {
    return "input '" + input + "' (shape " + TensorDescriptions.shape(declared) + ")";
  }

  /** The shape of the tensor fed for {@code rows} records. */
  Shape shape(int rows) {
    switch (TensorDescriptions.rank(declared)) {
      case 0:
        if (rows != 1) {
          throw new IllegalStateException(describe() + " takes one record per run, not " + rows);
        }
        return Shape.scalar();
      case 2:
        return Shape.of(rows, 1);
      default:
        return Shape.of(rows);
    }
  }

  /** An empty column of this input's type with room for {@code rows} values. */
  FeatureColumn column(int rows) {
    return FeatureColumn.of(this, dtype, rows);
  }

  Output<?> target() {
    return target;
  }

  /** The record's value as a float. */
  float floatValue(Features features) throws InvalidRecordException {
    return (float) features.getNumber(field);
  }

  /** The record's value as a double. */
  double doubleValue(Features features) throws InvalidRecordException {
    return features.getNumber(field);
  }

  /** The record's value as a whole number within the range of the input's type. */
  long integerValue(Features features) throws InvalidRecordException {
    double v = features.getNumber(field);
    double limit = dtype == DataType.DT_INT32 ? Integer.MAX_VALUE : 9e15;
    if (v != Math.rint(v) || Math.abs(v) > limit) {
      throw new InvalidRecordException(
          "feature '" + field + "' feeds integer input '" + input + "' but is " + v);
    }
    return (long) v;
  }

  /** The record's value as text; see {@link Features#getText}. */
  String textValue(Features features) throws InvalidRecordException {
    return features.getText(field);
  }
}

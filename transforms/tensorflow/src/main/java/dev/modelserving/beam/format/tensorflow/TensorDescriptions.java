package dev.modelserving.beam.format.tensorflow;

import java.util.Collection;
import java.util.stream.Collectors;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/** Human-readable shapes, types and name lists for error messages. */
final class TensorDescriptions {
  private static final int MAX_NAMES = 40;

  private TensorDescriptions() {}

  /** "[-1, 11]", or "unknown" when the rank is unknown. */
  static String shape(Shape shape) {
    return shape == null || shape.isUnknown() ? "unknown" : shape.toString();
  }

  /** "float", "double", "int64", "string", ... */
  static String type(DataType dtype) {
    String name = dtype.name();
    return name.startsWith("DT_") ? name.substring(3).toLowerCase() : name;
  }

  /** The rank of a shape, or -1 when unknown. */
  static int rank(Shape shape) {
    return shape == null || shape.isUnknown() ? -1 : shape.numDimensions();
  }

  /** The size of the last dimension, or -1 when the rank or that size is unknown. */
  static long lastDimension(Shape shape) {
    int rank = rank(shape);
    return rank <= 0 ? -1 : shape.get(rank - 1);
  }

  /** Names quoted and comma-separated, cut after a few dozen: "['a', 'b']". */
  static String names(Collection<String> names) {
    String shown =
        names.stream().limit(MAX_NAMES).map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    String more = names.size() > MAX_NAMES ? ", ... " + names.size() + " in all" : "";
    return "[" + shown + more + "]";
  }
}

package dev.modelserving.beam.format.pmml;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import java.util.List;
import org.dmg.pmml.DataType;
import org.dmg.pmml.OpType;
import org.jpmml.evaluator.FieldValue;
import org.jpmml.evaluator.InputField;

/**
 * One PMML input field bound to the record field it reads. Prepares the record's value with the
 * field's own missing/invalid value treatments, and turns JPMML's refusals into {@link
 * InvalidRecordException}s that name the field and the value.
 */
final class PmmlInput {
  private final InputField field;
  private final String recordField;
  private final boolean active;
  private final String label;
  private final boolean numeric;
  private final boolean stringTyped;

  PmmlInput(InputField field, String recordField, boolean active) {
    this.field = field;
    this.recordField = recordField;
    this.active = active;
    this.label =
        field.getName().equals(recordField)
            ? "field '" + recordField + "'"
            : "record field '" + recordField + "' (model input '" + field.getName() + "')";
    DataType type = field.getDataType();
    this.numeric = isNumeric(type);
    this.stringTyped = type == DataType.STRING;
  }

  /** The PMML input field name, the key of the evaluator's arguments. */
  String name() {
    return field.getName();
  }

  /** The record field this input reads. */
  String recordField() {
    return recordField;
  }

  /** Whether the model uses this field (supplementary fields are optional). */
  boolean isActive() {
    return active;
  }

  /** The prepared value of this input for one record. */
  FieldValue prepare(Features features) throws InvalidRecordException {
    Object value = toPmmlValue(features.get(recordField));
    if (numeric && value instanceof String && !isNumber((String) value)) {
      // JPMML would read some text as a number (a JSON boolean's "true" as 1): text is not a number here
      throw new InvalidRecordException(label + " must be numeric (" + field.getDataType().value() + ") but is '"
          + value + "'");
    }
    try {
      return field.prepare(value);
    } catch (RuntimeException e) {
      throw new InvalidRecordException(describeInvalid(value, e), e);
    }
  }

  /** A short description of why a value was refused, for the dead-letter reason. */
  String describeInvalid(Object value, RuntimeException e) {
    String jpmml = PmmlModelFormat.rootMessage(e);
    if (value == null) {
      return label + " is missing and the model does not accept a missing value for it ("
          + jpmml + ")";
    }
    if (numeric && value instanceof String && !isNumber((String) value)) {
      return label + " must be numeric (" + field.getDataType().value() + ") but is '" + value + "'";
    }
    if (field.getDataType() == DataType.INTEGER && isFraction(value)) {
      return label + " must be a whole number (integer) but is '" + value + "'";
    }
    List<?> domain = discreteDomain();
    if (field.getOpType() != OpType.CONTINUOUS && domain != null && !domain.isEmpty()) {
      return label + " has the value '" + value + "', a category the model does not know"
          + " (it knows " + domain + ")";
    }
    return label + " has the value '" + value + "', which the model treats as invalid: " + jpmml;
  }

  /** Record values are Doubles or Strings; fit them to the field's data type where that is lossless. */
  private Object toPmmlValue(Object value) {
    if (value instanceof Double && stringTyped) {
      double d = (Double) value;
      // A number in a string-typed (categorical) field: 3.0 means the category "3".
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
      return value.toString();
    }
    return value;
  }

  private List<?> discreteDomain() {
    try {
      return field.getDiscreteDomain();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean isNumeric(DataType type) {
    return type == DataType.DOUBLE || type == DataType.FLOAT || type == DataType.INTEGER;
  }

  private static boolean isFraction(Object value) {
    double d;
    if (value instanceof Double) {
      d = (Double) value;
    } else if (value instanceof String && isNumber((String) value)) {
      d = Double.parseDouble(((String) value).trim());
    } else {
      return false;
    }
    return d != Math.rint(d);
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}

package dev.modelserving.beam.pipeline.record;

import dev.modelserving.beam.model.Features;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed input record: its id, its data type (the key that selects the model), its fields in
 * order (numbers as Double, everything else as String, missing values as null) and the payload it
 * was parsed from. Two records are equal when all of these are, fields in the same order: that is
 * what {@link DataRecordCoder} encodes.
 */
public final class DataRecord implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String dataType;
  private final FieldNames names;
  private final Object[] values;
  private final String payload;
  private final transient RecordFields fields;

  /**
   * A record with these fields, in the map's order.
   *
   * @throws IllegalArgumentException if a field value is not a Double, a String or null (a coder
   *     round trip would turn it into text)
   */
  public DataRecord(String id, String dataType, Map<String, Object> fields, String payload) {
    this(id, dataType, FieldNames.of(List.copyOf(fields.keySet())), fields.values().toArray(), payload);
  }

  /**
   * A record whose field names are shared with other records; {@code values} are in the order of
   * the names, and the record keeps the array (do not change it afterwards).
   *
   * @throws IllegalArgumentException if the counts differ, or a value is not a Double, a String or null
   */
  public DataRecord(String id, String dataType, FieldNames names, Object[] values, String payload) {
    if (values.length != names.size()) {
      throw new IllegalArgumentException(values.length + " values for " + names.size() + " fields " + names);
    }
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v != null && !(v instanceof Double) && !(v instanceof String)) {
        throw new IllegalArgumentException("field '" + names.name(i) + "' is a " + v.getClass().getSimpleName()
            + "; record fields are Double, String or null");
      }
    }
    this.id = id;
    this.dataType = dataType;
    this.names = names;
    this.values = values;
    this.payload = payload;
    this.fields = new RecordFields(names, values);
  }

  /** The record id, or null if the records have no id field. */
  public String getId() {
    return id;
  }

  /** The data type, or null when the record did not say. */
  public String getDataType() {
    return dataType;
  }

  /** The fields in order, as an unmodifiable map. */
  public Map<String, Object> getFields() {
    return fields != null ? fields : new RecordFields(names, values);
  }

  /** The field names, shared with the other records of the schema. */
  public FieldNames getFieldNames() {
    return names;
  }

  /** The value of field {@code position}. */
  public Object getValue(int position) {
    return values[position];
  }

  /** The text the record was parsed from. */
  public String getPayload() {
    return payload;
  }

  /** All fields as model features. */
  public Features toFeatures() {
    return Features.view(getFields());
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DataRecord)) {
      return false;
    }
    DataRecord r = (DataRecord) o;
    return Objects.equals(id, r.id)
        && Objects.equals(dataType, r.dataType)
        && Objects.equals(payload, r.payload)
        && names.equals(r.names)
        && Arrays.equals(values, r.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, dataType, payload);
  }

  @Override
  public String toString() {
    return id != null ? id : payload;
  }
}

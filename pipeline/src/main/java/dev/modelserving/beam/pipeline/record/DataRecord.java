package dev.modelserving.beam.pipeline.record;

import dev.modelserving.beam.model.Features;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
  private final Map<String, Object> fields;
  private final String payload;

  /**
   * @throws IllegalArgumentException if a field value is not a Double, a String or null (a coder
   *     round trip would turn it into text)
   */
  public DataRecord(String id, String dataType, Map<String, Object> fields, String payload) {
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(fields);
    for (Map.Entry<String, Object> e : copy.entrySet()) {
      Object v = e.getValue();
      if (v != null && !(v instanceof Double) && !(v instanceof String)) {
        throw new IllegalArgumentException("field '" + e.getKey() + "' is a " + v.getClass().getSimpleName()
            + "; record fields are Double, String or null");
      }
    }
    this.id = id;
    this.dataType = dataType;
    this.fields = Collections.unmodifiableMap(copy);
    this.payload = payload;
  }

  /** The record id, or null if the records have no id field. */
  public String getId() {
    return id;
  }

  /** The data type, or null when the record did not say. */
  public String getDataType() {
    return dataType;
  }

  public Map<String, Object> getFields() {
    return fields;
  }

  /** The text the record was parsed from. */
  public String getPayload() {
    return payload;
  }

  /** All fields as model features. */
  public Features toFeatures() {
    return Features.view(fields);
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
        && sameFieldsInOrder(fields, r.fields);
  }

  private static boolean sameFieldsInOrder(Map<String, Object> a, Map<String, Object> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Iterator<Map.Entry<String, Object>> other = b.entrySet().iterator();
    for (Map.Entry<String, Object> e : a.entrySet()) {
      if (!e.equals(other.next())) {
        return false;
      }
    }
    return true;
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

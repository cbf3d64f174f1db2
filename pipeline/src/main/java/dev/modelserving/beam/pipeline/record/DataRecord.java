package dev.modelserving.beam.pipeline.record;

import dev.modelserving.beam.model.Features;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed input record: its id, its data type (the key that selects the model), its fields (numbers
 * as Double, everything else as String) and the payload it was parsed from.
 */
public final class DataRecord implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String dataType;
  private final Map<String, Object> fields;
  private final String payload;

  public DataRecord(String id, String dataType, Map<String, Object> fields, String payload) {
    this.id = id;
    this.dataType = dataType;
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
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
        && fields.equals(r.fields)
        && Objects.equals(payload, r.payload);
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

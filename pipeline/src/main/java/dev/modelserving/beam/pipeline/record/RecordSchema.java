package dev.modelserving.beam.pipeline.record;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How text records are read: CSV (with its columns and separator) or JSON lines, and which fields
 * hold the record id and the data type.
 */
public final class RecordSchema implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The text format of a record. */
  public enum Format {
    CSV,
    JSON
  }

  private final Format format;
  private final List<String> columns;
  private final char separator;
  private final String idField;
  private final String dataTypeField;
  private final String defaultDataType;
  private final boolean nonFiniteAllowed;

  private RecordSchema(Format format, List<String> columns, char separator, String idField,
      String dataTypeField, String defaultDataType, boolean nonFiniteAllowed) {
    this.format = format;
    this.columns = columns;
    this.separator = separator;
    this.idField = idField;
    this.dataTypeField = dataTypeField;
    this.defaultDataType = defaultDataType;
    this.nonFiniteAllowed = nonFiniteAllowed;
  }

  /**
   * This schema, accepting ({@code true}) or refusing (the default) records with a non-finite number
   * (NaN, Infinity, or a number too large for a double such as 1e309) in a field other than the id
   * and the data type.
   */
  public RecordSchema withNonFiniteInputs(boolean allowed) {
    return new RecordSchema(format, columns, separator, idField, dataTypeField, defaultDataType, allowed);
  }

  /** True if records may carry non-finite numbers; by default they are refused when parsed. */
  public boolean allowsNonFiniteInputs() {
    return nonFiniteAllowed;
  }

  /** CSV records with these columns, in order. */
  public static RecordSchema csv(List<String> columns, char separator, String idField,
      String dataTypeField, String defaultDataType) {
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException("CSV records need their column names (--csvColumns or a header row)");
    }
    return new RecordSchema(Format.CSV, Collections.unmodifiableList(new ArrayList<>(columns)), separator,
        idField, dataTypeField, defaultDataType, false);
  }

  /** JSON objects, one per line; {@code columns} may be empty when not known in advance. */
  public static RecordSchema json(List<String> columns, String idField, String dataTypeField,
      String defaultDataType) {
    return new RecordSchema(Format.JSON, Collections.unmodifiableList(new ArrayList<>(columns)), ',',
        idField, dataTypeField, defaultDataType, false);
  }

  public Format getFormat() {
    return format;
  }

  /** The record's fields in order; for JSON possibly empty (not declared). */
  public List<String> getColumns() {
    return columns;
  }

  public char getSeparator() {
    return separator;
  }

  public String getIdField() {
    return idField;
  }

  public String getDataTypeField() {
    return dataTypeField;
  }

  /** The data type of records that have no data-type field, or null. */
  public String getDefaultDataType() {
    return defaultDataType;
  }

}

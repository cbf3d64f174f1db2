package dev.modelserving.beam.pipeline.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one line of text into a {@link DataRecord}. Numbers become numbers when the record is
 * read (CSV values that are numbers, JSON numbers); everything else stays text, and the model's
 * input field decides how to read it. Throws {@link IllegalArgumentException}
 * with the reason when the line is not a record.
 */
public final class RecordParser implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecordSchema schema;

  public RecordParser(RecordSchema schema) {
    this.schema = schema;
  }

  public DataRecord parse(String line) {
    if (line == null || line.isBlank()) {
      throw new IllegalArgumentException("empty record");
    }
    Map<String, Object> fields =
        schema.getFormat() == RecordSchema.Format.CSV ? parseCsv(line) : parseJson(line);
    Object id = fields.get(schema.getIdField());
    Object dataType = fields.get(schema.getDataTypeField());
    return new DataRecord(
        id == null ? null : text(id),
        dataType == null ? schema.getDefaultDataType() : text(dataType),
        fields,
        line);
  }

  /** A JSON number used as an id or data type reads as written: 1001, not 1001.0. */
  private static String text(Object value) {
    if (value instanceof Double) {
      double d = (Double) value;
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
    }
    return value.toString();
  }

  /** True for the header row of a CSV source, which is not a record. */
  public boolean isHeader(String line) {
    if (schema.getFormat() != RecordSchema.Format.CSV) {
      return false;
    }
    try {
      List<String> values = splitCsv(line, schema.getSeparator());
      values.replaceAll(String::trim);
      return values.equals(schema.getColumns());
    } catch (IllegalArgumentException notCsv) {
      return false;
    }
  }

  private Map<String, Object> parseCsv(String line) {
    List<String> values = splitCsv(line, schema.getSeparator());
    List<String> columns = schema.getColumns();
    if (values.size() != columns.size()) {
      throw new IllegalArgumentException(
          "expected " + columns.size() + " CSV values (" + String.join(String.valueOf(schema.getSeparator()), columns)
              + ") but found " + values.size());
    }
    Map<String, Object> fields = new LinkedHashMap<>(columns.size() * 2);
    for (int i = 0; i < values.size(); i++) {
      String column = columns.get(i);
      String v = values.get(i).trim();
      boolean keepText = column.equals(schema.getIdField()) || column.equals(schema.getDataTypeField());
      fields.put(column, v.isEmpty() ? null : keepText ? v : numberOrText(v));
    }
    return fields;
  }

  /**
   * A CSV value as a number when it is one, so that numbers are parsed once, when the record is
   * read, and not on every model call. Text stays text, and so do numbers written with a leading
   * zero or plus sign ("007", "+5"): they are codes, and must reach a categorical model input as
   * written. Non-finite values ("NaN", "Infinity") stay text.
   */
  static Object numberOrText(String v) {
    char c = v.charAt(0);
    boolean digitFirst = c >= '0' && c <= '9';
    if (!(digitFirst || c == '-' || c == '.')) {
      return v;
    }
    int firstDigit = c == '-' ? 1 : 0;
    if (v.length() > firstDigit + 1 && v.charAt(firstDigit) == '0' && Character.isDigit(v.charAt(firstDigit + 1))) {
      return v;
    }
    try {
      double d = Double.parseDouble(v);
      return Double.isFinite(d) ? (Object) d : v;
    } catch (NumberFormatException e) {
      return v;
    }
  }

  /** Splits a CSV line; double quotes enclose values that contain the separator ("" is a quote). */
  public static List<String> splitCsv(String line, char separator) {
    List<String> values = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          current.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          current.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == separator) {
        values.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated quote in CSV record");
    }
    values.add(current.toString());
    return values;
  }

  private Map<String, Object> parseJson(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("a JSON record must be an object");
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isNull()) {
        fields.put(e.getKey(), null);
      } else if (v.isNumber()) {
        fields.put(e.getKey(), v.doubleValue());
      } else if (v.isValueNode()) {
        fields.put(e.getKey(), v.asText());
      } else {
        throw new IllegalArgumentException("field '" + e.getKey() + "' must be a number, string or null, not " + v.getNodeType());
      }
    }
    return fields;
  }
}

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
 * with the reason when the line is not a record: empty, not valid UTF-8 (it holds U+FFFD, what
 * undecodable bytes became), not CSV of the schema's columns or not a JSON object (duplicated keys
 * included), or with a non-finite number in a field unless the schema allows them.
 */
public final class RecordParser implements Serializable {
  private static final long serialVersionUID = 1L;
  /**
   * Duplicated keys are refused (which of two values a model would read is not for a parser to
   * guess), and so is anything after the record's object on its line.
   */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** What a decoder makes of bytes that are not UTF-8 (Kafka's and TextIO's alike). */
  private static final char REPLACEMENT = '\uFFFD';

  private final RecordSchema schema;
  /** The CSV columns, shared by every CSV record this parser makes. */
  private transient FieldNames csvNames;
  /** The field names of the last JSON record, reused while the next records have the same. */
  private transient FieldNames lastJsonNames;

  public RecordParser(RecordSchema schema) {
    this.schema = schema;
  }

  public DataRecord parse(String line) {
    if (line == null || line.isBlank()) {
      throw new IllegalArgumentException("empty record");
    }
    if (line.indexOf(REPLACEMENT) >= 0) {
      throw new IllegalArgumentException("the record is not valid UTF-8 text: it has bytes that do not decode"
          + " (read as U+FFFD) at character " + line.indexOf(REPLACEMENT));
    }
    return schema.getFormat() == RecordSchema.Format.CSV ? parseCsv(line) : record(parseJson(line), line);
  }

  private DataRecord record(Map<String, Object> fields, String line) {
    FieldNames names = lastJsonNames;
    if (names == null || !names.names().equals(new ArrayList<>(fields.keySet()))) {
      names = FieldNames.of(new ArrayList<>(fields.keySet()));
      lastJsonNames = names;
    }
    return record(names, fields.values().toArray(), line);
  }

  private DataRecord record(FieldNames names, Object[] values, String line) {
    int idAt = names.position(schema.getIdField());
    int typeAt = names.position(schema.getDataTypeField());
    if (!schema.allowsNonFiniteInputs()) {
      for (int i = 0; i < values.length; i++) {
        if (i != idAt && i != typeAt && isNonFinite(values[i])) {
          throw new IllegalArgumentException("field '" + names.name(i) + "' is not a finite number: '"
              + shortened(values[i]) + "' (non-finite inputs are refused; --allowNonFiniteInputs accepts them)");
        }
      }
    }
    Object id = idAt < 0 ? null : values[idAt];
    Object dataType = typeAt < 0 ? null : values[typeAt];
    return new DataRecord(
        id == null ? null : text(id),
        dataType == null ? schema.getDefaultDataType() : text(dataType),
        names,
        values,
        line);
  }

  /**
   * True for a value a model would read as a non-finite number: a Double that is NaN or infinite (a
   * JSON number such as 1e309), or text that Java reads as one ("NaN", "Infinity", "-Infinity",
   * "1e309", "0x1p9999"). Other text, categories included, is not.
   */
  static boolean isNonFinite(Object value) {
    if (value instanceof Double) {
      return !Double.isFinite((Double) value);
    }
    if (!(value instanceof String)) {
      return false;
    }
    String v = ((String) value).trim();
    int i = !v.isEmpty() && (v.charAt(0) == '-' || v.charAt(0) == '+') ? 1 : 0;
    if (i >= v.length()) {
      return false;
    }
    char c = v.charAt(i);
    if (c == 'N' || c == 'I') {
      String rest = v.substring(i);
      return rest.equals("NaN") || rest.equals("Infinity");
    }
    if ((c < '0' || c > '9') && c != '.') {
      return false; // text: no exception is thrown for it
    }
    try {
      return !Double.isFinite(Double.parseDouble(v));
    } catch (NumberFormatException notANumber) {
      return false;
    }
  }

  /** True if {@code s} has a UTF-16 surrogate that is not half of a pair. */
  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      }
    }
    return false;
  }

  private static String shortened(Object value) {
    String s = String.valueOf(value);
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
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

  private DataRecord parseCsv(String line) {
    List<String> values = splitCsv(line, schema.getSeparator());
    List<String> columns = schema.getColumns();
    if (values.size() != columns.size()) {
      throw new IllegalArgumentException(
          "expected " + columns.size() + " CSV values (" + String.join(String.valueOf(schema.getSeparator()), columns)
              + ") but found " + values.size());
    }
    if (csvNames == null) {
      csvNames = FieldNames.of(columns);
    }
    Object[] fields = new Object[columns.size()];
    for (int i = 0; i < fields.length; i++) {
      String column = columns.get(i);
      String v = values.get(i).trim();
      boolean keepText = column.equals(schema.getIdField()) || column.equals(schema.getDataTypeField());
      fields[i] = v.isEmpty() ? null : keepText ? v : numberOrText(v);
    }
    return record(csvNames, fields, line);
  }

  /**
   * A CSV value as a number when it is one, so that numbers are parsed once, when the record is
   * read, and not on every model call. Only plain decimal notation is a number: an optional minus,
   * digits with an optional fraction, an optional exponent ({@code 9.5}, {@code -0.25}, {@code .5},
   * {@code 1e-3}). Everything else stays text as written: text, numbers written with a leading zero
   * or plus sign ("007", "+5"), which are codes and must reach a categorical model input as written,
   * Java's other number forms ("5d", "0x1p3"), and non-finite values ("NaN", "Infinity", "1e999").
   */
  static Object numberOrText(String v) {
    if (!isPlainDecimal(v)) {
      return v;
    }
    double d = Double.parseDouble(v);
    return Double.isFinite(d) ? (Object) d : v;
  }

  private static boolean isPlainDecimal(String v) {
    int n = v.length();
    int i = n > 0 && v.charAt(0) == '-' ? 1 : 0;
    int integer = i;
    i = digits(v, i);
    int integerDigits = i - integer;
    if (integerDigits > 1 && v.charAt(integer) == '0') {
      return false; // "007"
    }
    int fractionDigits = 0;
    if (i < n && v.charAt(i) == '.') {
      int fraction = i + 1;
      i = digits(v, fraction);
      fractionDigits = i - fraction;
    }
    if (integerDigits + fractionDigits == 0) {
      return false;
    }
    if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
      i++;
      if (i < n && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
        i++;
      }
      int exponent = i;
      i = digits(v, i);
      if (i == exponent) {
        return false;
      }
    }
    return i == n;
  }

  /** The index after the ASCII digits of {@code v} from {@code i}. */
  private static int digits(String v, int i) {
    while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
      i++;
    }
    return i;
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
      if (hasLoneSurrogate(e.getKey()) || (v.isTextual() && hasLoneSurrogate(v.textValue()))) {
        // a \ud800 escape: not Unicode text, and it would not survive being written as UTF-8
        throw new IllegalArgumentException("field '" + e.getKey() + "' has an unpaired surrogate escape:"
            + " not Unicode text");
      }
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

package dev.modelserving.beam.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The feature values of one record, by field name. A value is numeric ({@link Double}) or
 * categorical ({@link String}); a field that is absent or null is missing.
 *
 * <pre>{@code
 * Features f = Features.builder().put("alcohol", 9.4).put("wine_type", "red").build();
 * }</pre>
 */
public final class Features {
  private final Map<String, Object> values;

  private Features(Map<String, Object> values) {
    this.values = values;
  }

  /** Features from a map whose values are numbers, strings or null. */
  public static Features of(Map<String, ?> values) {
    Builder b = builder();
    values.forEach(b::putObject);
    return b.build();
  }

  /**
   * Features that read {@code values} directly, without a copy: for hot paths whose records already
   * hold their fields as Double, String or null. The map must not change afterwards.
   *
   */
  public static Features view(Map<String, Object> values) {
    return new Features(values);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The value of a field: a Double, a String, or null when missing. */
  public Object get(String field) {
    return values.get(field);
  }

  public boolean has(String field) {
    return values.get(field) != null;
  }

  public Set<String> fieldNames() {
    return values.keySet();
  }

  /** The value of a numeric field. */
  public double getNumber(String field) throws InvalidRecordException {
    Object v = values.get(field);
    if (v == null) {
      throw new InvalidRecordException("missing feature '" + field + "'");
    }
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    try {
      return Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new InvalidRecordException(
          "feature '" + field + "' must be numeric but is '" + v + "'");
    }
  }

  /**
   * The value of a field as text: a string as it is, a whole number without a fraction ({@code 3},
   * not {@code 3.0}, so that numeric category codes read as written), other numbers as Java prints
   * them.
   */
  public String getText(String field) throws InvalidRecordException {
    Object v = values.get(field);
    if (v == null) {
      throw new InvalidRecordException("missing feature '" + field + "'");
    }
    if (v instanceof Double) {
      double d = (Double) v;
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
    }
    return v.toString();
  }

  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(values);
  }

  @Override
  public String toString() {
    return values.toString();
  }

  /** Builds {@link Features}; later values for the same field replace earlier ones. */
  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();

    public Builder put(String field, double value) {
      values.put(field, value);
      return this;
    }

    public Builder put(String field, String value) {
      values.put(field, value);
      return this;
    }

    /** Puts a Number (as a double), a String, or null (missing); other types are rejected. */
    public Builder putObject(String field, Object value) {
      if (value == null || value instanceof String) {
        values.put(field, value);
      } else if (value instanceof Number) {
        values.put(field, ((Number) value).doubleValue());
      } else if (value instanceof Boolean) {
        values.put(field, value.toString());
      } else {
        throw new IllegalArgumentException(
            "feature '" + field + "' must be a number or a string, not " + value.getClass());
      }
      return this;
    }

    public Features build() {
      return new Features(new LinkedHashMap<>(values));
    }

  }
}

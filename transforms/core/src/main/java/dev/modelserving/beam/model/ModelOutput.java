package dev.modelserving.beam.model;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a model said about one record: the primary prediction, as a numeric value (regression) or
 * a label (classification) with its class probabilities, and every named output the model defines
 * (PMML target and output fields, TensorFlow outputs) in {@link #getFields()}.
 *
 * <pre>{@code
 * ModelOutput out = ModelOutput.builder()
 *     .value(5.83)                       // the model's final prediction
 *     .field("sum_of_trees", 5.33)       // other outputs, by the model's own names
 *     .field("quality", 5.83)
 *     .build();
 * }</pre>
 */
public final class ModelOutput implements Serializable {
  private static final long serialVersionUID = 2L;

  private final Double value;
  private final String label;
  private final Map<String, Double> probabilities;
  private final Map<String, Object> fields;

  private ModelOutput(
      Double value, String label, Map<String, Double> probabilities, Map<String, Object> fields) {
    this.value = value;
    this.label = label;
    this.probabilities = probabilities;
    this.fields = fields;
  }

  /** A primary prediction without named fields. */
  public static ModelOutput of(Double value, String label, Map<String, Double> probabilities) {
    return new ModelOutput(value, label, frozen(probabilities), Collections.emptyMap());
  }

  public static ModelOutput value(double value) {
    return of(value, null, null);
  }

  /** A label with its class probabilities (may be empty). */
  public static ModelOutput label(String label, Map<String, Double> probabilities) {
    return of(null, label, probabilities);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The primary numeric prediction, or null. */
  public Double getValue() {
    return value;
  }

  /** The predicted class, or null (a regression has none). */
  public String getLabel() {
    return label;
  }

  /** Class probabilities in the model's order; empty when the model gives none. */
  public Map<String, Double> getProbabilities() {
    return probabilities;
  }

  /**
   * Every named output of the model for this record, in the model's order: a {@link Double} or a
   * {@link String} each. Empty when the format reports only the primary prediction.
   */
  public Map<String, Object> getFields() {
    return fields;
  }

  /** A copy with these named fields. */
  public ModelOutput withFields(Map<String, ?> fields) {
    Builder b = builder().value(value).label(label).probabilities(probabilities);
    fields.forEach(b::field);
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelOutput)) {
      return false;
    }
    ModelOutput that = (ModelOutput) o;
    return Objects.equals(value, that.value)
        && Objects.equals(label, that.label)
        && probabilities.equals(that.probabilities)
        && fields.equals(that.fields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, label, probabilities, fields);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    if (value != null) {
      s.append("value=").append(value);
    }
    if (label != null) {
      s.append(s.length() > 1 ? ", " : "").append("label=").append(label);
    }
    if (!probabilities.isEmpty()) {
      s.append(s.length() > 1 ? ", " : "").append("probabilities=").append(probabilities);
    }
    if (!fields.isEmpty()) {
      s.append(s.length() > 1 ? ", " : "").append("fields=").append(fields);
    }
    return s.append('}').toString();
  }

  private static Map<String, Double> frozen(Map<String, Double> probabilities) {
    return probabilities == null || probabilities.isEmpty()
        ? Collections.emptyMap()
        : Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
  }

  /** Builds a {@link ModelOutput}; later values for the same field replace earlier ones. */
  public static final class Builder {
    private Double value;
    private String label;
    private Map<String, Double> probabilities;
    private Map<String, Object> fields;

    private Builder() {}

    public Builder value(Double value) {
      this.value = value;
      return this;
    }

    public Builder label(String label) {
      this.label = label;
      return this;
    }

    public Builder probabilities(Map<String, Double> probabilities) {
      this.probabilities = probabilities;
      return this;
    }

    /**
     * Adds a named output: a number (kept as a double), or anything else as its text. A null value
     * is left out.
     */
    public Builder field(String name, Object value) {
      if (value == null) {
        return this;
      }
      if (fields == null) {
        fields = new LinkedHashMap<>();
      }
      fields.put(name, value instanceof Number ? (Object) ((Number) value).doubleValue() : value.toString());
      return this;
    }

    public ModelOutput build() {
      return new ModelOutput(
          value,
          label,
          frozen(probabilities),
          fields == null ? Collections.emptyMap() : Collections.unmodifiableMap(fields));
    }
  }
}

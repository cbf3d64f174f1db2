package dev.modelserving.beam.model;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a model said about one record, as the model gives it: a numeric value (regression), a label
 * (classification), class probabilities, or several of these.
 */
public final class ModelOutput implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Double value;
  private final String label;
  private final Map<String, Double> probabilities;

  private ModelOutput(Double value, String label, Map<String, Double> probabilities) {
    this.value = value;
    this.label = label;
    this.probabilities = probabilities;
  }

  public static ModelOutput of(Double value, String label, Map<String, Double> probabilities) {
    return new ModelOutput(
        value,
        label,
        probabilities == null || probabilities.isEmpty()
            ? Collections.emptyMap()
            : Collections.unmodifiableMap(new LinkedHashMap<>(probabilities)));
  }

  public static ModelOutput value(double value) {
    return of(value, null, null);
  }

  /** A label with its class probabilities (may be empty). */
  public static ModelOutput label(String label, Map<String, Double> probabilities) {
    return of(null, label, probabilities);
  }

  /** The numeric result, or null. */
  public Double getValue() {
    return value;
  }

  /** The predicted class, or null. */
  public String getLabel() {
    return label;
  }

  /** Class probabilities in the model's order; empty when the model gives none. */
  public Map<String, Double> getProbabilities() {
    return probabilities;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelOutput)) {
      return false;
    }
    ModelOutput that = (ModelOutput) o;
    return Objects.equals(value, that.value)
        && Objects.equals(label, that.label)
        && probabilities.equals(that.probabilities);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, label, probabilities);
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
    return s.append('}').toString();
  }
}

package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.model.ModelOutput;
import java.util.Map;

/**
 * How sure a model is of its answer, from what its format reports: the probability of the
 * predicted label (PMML probabilities, a TensorFlow softmax output with labels), else the highest
 * class probability, else a numeric output field named {@value #FIELD}, else for a single sigmoid
 * output (a value in [0, 1] with no label) the probability of the side it falls on.
 */
public final class Confidence {
  /** The output field a format or model may set to report its own confidence. */
  public static final String FIELD = "confidence";

  private Confidence() {}

  /** The confidence of {@code output} in [0, 1], or null if the model reports none. */
  public static Double of(ModelOutput output) {
    Map<String, Double> p = output.getProbabilities();
    if (!p.isEmpty()) {
      if (output.getLabel() != null && p.containsKey(output.getLabel())) {
        return p.get(output.getLabel());
      }
      double max = Double.NEGATIVE_INFINITY;
      for (double v : p.values()) {
        max = Math.max(max, v);
      }
      return max;
    }
    Object field = output.getFields().get(FIELD);
    if (field instanceof Double) {
      return (Double) field;
    }
    Double value = output.getValue();
    if (output.getLabel() == null && value != null && value >= 0 && value <= 1) {
      return Math.max(value, 1 - value);
    }
    return null;
  }
}

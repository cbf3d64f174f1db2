package dev.modelserving.beam.format.pmml;

import dev.modelserving.beam.model.ModelOutput;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmg.pmml.MiningFunction;
import org.dmg.pmml.OpType;
import org.dmg.pmml.ResultFeature;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.HasProbability;
import org.jpmml.evaluator.OutputField;
import org.jpmml.evaluator.TargetField;

/**
 * Turns the result map of a JPMML evaluation into a {@link ModelOutput}.
 *
 * <p>Declared target fields come first: a numeric result becomes the value, a categorical one the
 * label, with class probabilities in the model's category order when the result has them. Output
 * fields fill what the targets did not give (predicted value, {@code probability} fields), so a
 * model whose only result is an Output field works. The result of a synthetic (undeclared) target
 * is the last resort.
 */
final class PmmlResultDecoder {
  private final List<Target> targets = new ArrayList<>();
  private final List<Target> syntheticTargets = new ArrayList<>();
  private final List<OutputField> outputs;

  PmmlResultDecoder(Evaluator evaluator) {
    boolean classification = evaluator.getMiningFunction() == MiningFunction.CLASSIFICATION;
    for (TargetField field : evaluator.getTargetFields()) {
      (field.isSynthetic() ? syntheticTargets : targets).add(new Target(field, classification));
    }
    this.outputs = List.copyOf(evaluator.getOutputFields());
  }

  /** Decodes one result map; returns null when the model gave no prediction at all. */
  ModelOutput decode(Map<String, ?> results) {
    Builder out = new Builder();
    for (Target target : targets) {
      target.decodeInto(results.get(target.name), out);
    }
    for (OutputField field : outputs) {
      decodeOutput(field, results.get(field.getName()), out);
    }
    if (out.isEmpty()) {
      for (Target target : syntheticTargets) {
        target.decodeInto(results.get(target.name), out);
      }
    }
    return out.isEmpty() ? null : out.build();
  }

  private static void decodeOutput(OutputField field, Object result, Builder out) {
    Object value = EvaluatorUtil.decode(result);
    if (value == null) {
      return;
    }
    org.dmg.pmml.OutputField pmml = field.getField();
    ResultFeature feature = pmml.getResultFeature();
    if (feature == ResultFeature.PROBABILITY && pmml.getValue() != null && value instanceof Number) {
      if (!out.probabilitiesFromTarget) {
        out.probabilities.put(String.valueOf(pmml.getValue()), ((Number) value).doubleValue());
      }
    } else if (feature == ResultFeature.PREDICTED_VALUE
        || feature == ResultFeature.PREDICTED_DISPLAY_VALUE
        || feature == ResultFeature.TRANSFORMED_VALUE) {
      boolean categorical = field.getOpType() != OpType.CONTINUOUS || !(value instanceof Number);
      out.put(value, categorical);
    }
  }

  /** A target field and how to read its result. */
  private static final class Target {
    final String name;
    final TargetField field;
    final boolean categorical;

    Target(TargetField field, boolean classification) {
      this.name = field.getName();
      this.field = field;
      OpType opType = field.getOpType();
      this.categorical = classification || opType == OpType.CATEGORICAL || opType == OpType.ORDINAL;
    }

    void decodeInto(Object result, Builder out) {
      Object value = EvaluatorUtil.decode(result);
      if (value == null) {
        return;
      }
      boolean isLabel = categorical || !(value instanceof Number);
      if (isLabel && out.label == null && result instanceof HasProbability) {
        HasProbability probability = (HasProbability) result;
        out.probabilities.clear();
        for (Object category : categories(probability)) {
          Double p = probability.getProbability(category);
          out.probabilities.put(String.valueOf(category), p == null ? 0.0 : p);
        }
        out.probabilitiesFromTarget = true;
      }
      out.put(value, isLabel);
    }

    /** The model's categories in its own order (the DataField's values), else the result's. */
    private Collection<?> categories(HasProbability result) {
      List<Object> declared = field.getCategories();
      return declared != null && !declared.isEmpty() ? declared : result.getCategories();
    }
  }

  /** Collects the first value, the first label and the probabilities of one result. */
  private static final class Builder {
    Double value;
    String label;
    final Map<String, Double> probabilities = new LinkedHashMap<>();
    boolean probabilitiesFromTarget;

    void put(Object decoded, boolean isLabel) {
      if (isLabel) {
        if (label == null) {
          label = String.valueOf(decoded);
        }
      } else if (value == null) {
        value = ((Number) decoded).doubleValue();
      }
    }

    boolean isEmpty() {
      return value == null && label == null && probabilities.isEmpty();
    }

    ModelOutput build() {
      return ModelOutput.of(value, label, probabilities);
    }
  }
}

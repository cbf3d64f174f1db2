package dev.modelserving.beam.format.pmml;

import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmg.pmml.OpType;
import org.dmg.pmml.ResultFeature;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.HasProbability;
import org.jpmml.evaluator.OutputField;
import org.jpmml.evaluator.TargetField;

/**
 * Turns the result map of a JPMML evaluation into a {@link ModelOutput}: the primary prediction
 * (a value, or a label with class probabilities), and every declared target field and output
 * field by its PMML name in {@link ModelOutput#getFields()} (numbers as Double, anything else as
 * text, missing results left out; targets first, then output fields, in the model's order).
 *
 * <h2>Which field is the primary prediction</h2>
 *
 * <p>When {@code output_mapping.outputs} is set, its first name (a target or output field) is the
 * primary: the value, or the label if the field is categorical (for a target: of a classification
 * or categorical/ordinal; for an output field: optype categorical/ordinal, or dataType string or
 * boolean). Otherwise the field the model declares as its final prediction, chosen once at load:
 *
 * <ol>
 *   <li>Regression (mining function {@code regression}, or a continuous target) and other
 *       non-classification models: the <em>last</em> Output field with {@code
 *       isFinalResult="true"} (the default) and feature {@code transformedValue} or {@code
 *       decision}; for a regression it must be numeric (optype continuous, or no optype and a
 *       numeric dataType). Output fields may only refer to earlier ones, so the last such field
 *       is the end of the model's post-processing: R's {@code pmml} package writes a gbm as a sum
 *       of trees whose intercept is added by an Output field ({@code GaussianPrediction = Predicted_y
 *       + initF}; a bernoulli gbm adds {@code BernoulliResponsePrediction} after the link).
 *   <li>Else the first declared target field. The JPMML converters (r2pmml, sklearn2pmml,
 *       JPMML-XGBoost, JPMML-SparkML) typically keep the intercept inside the model, e.g. in
 *       {@code Targets/Target@rescaleConstant}, and mark helper Output fields {@code
 *       isFinalResult="false"}: their target value is final and lands here.
 *   <li>Else (a model without a declared target) the first final Output field with feature
 *       {@code predictedValue} or {@code predictedDisplayValue}.
 *   <li>Else the model's undeclared (synthetic) target, e.g. a clustering model's cluster.
 * </ol>
 *
 * <p>A regression's primary is always a value, never a label. A classification's primary is the
 * label of its target, with the class probabilities in the order of the target's categories
 * (from the target's result, or from {@code probability} Output fields when the result has none);
 * its transformed or decision Output fields are in the fields, and can be made primary with
 * {@code output_mapping.outputs}. Other models give a value when the primary result is a number
 * and a label otherwise.
 *
 * <p>A final {@code transformedValue} that is an extra column rather than the prediction (e.g.
 * one added by sklearn2pmml's {@code predict_transformer}) is taken as the prediction too; name the
 * target in {@code output_mapping.outputs} to use it instead. If the primary field has no result
 * for a record, the record is not scored.
 */
final class PmmlResultDecoder {
  private final PmmlPrimary primary;
  private final ClassTarget classTarget;
  private final List<ProbabilityOutput> probabilityOutputs = new ArrayList<>();
  private final String[] fieldNames;

  PmmlResultDecoder(Evaluator evaluator, PmmlPrimary primary) {
    this.primary = primary;
    this.classTarget = ClassTarget.of(evaluator);
    List<String> names = new ArrayList<>();
    for (TargetField target : evaluator.getTargetFields()) {
      if (!target.isSynthetic()) {
        names.add(target.getName());
      }
    }
    for (OutputField field : evaluator.getOutputFields()) {
      names.add(field.getName());
      org.dmg.pmml.OutputField pmml = field.getField();
      if (pmml.getResultFeature() == ResultFeature.PROBABILITY && pmml.getValue() != null) {
        probabilityOutputs.add(new ProbabilityOutput(field.getName(), pmml.getValue()));
      }
    }
    this.fieldNames = names.toArray(new String[0]);
  }

  /** The field the primary prediction comes from. */
  PmmlPrimary primary() {
    return primary;
  }

  /**
   * Decodes one result map; returns null when the primary field has no result for the record.
   *
   * @throws InvalidRecordException if the primary field must be a number and its result is not
   */
  ModelOutput decode(Map<String, ?> results) throws InvalidRecordException {
    Object primaryResult = results.get(primary.name());
    Object primaryValue = EvaluatorUtil.decode(primaryResult);
    if (primaryValue == null) {
      return null;
    }
    ModelOutput.Builder out = ModelOutput.builder();
    boolean number = primaryValue instanceof Number;
    switch (primary.kind()) {
      case VALUE:
        if (!number) {
          throw new InvalidRecordException(
              "the PMML model's prediction, " + primary.description() + ", is '" + primaryValue
                  + "', not a number");
        }
        out.value(((Number) primaryValue).doubleValue());
        break;
      case LABEL:
        out.label(String.valueOf(primaryValue));
        break;
      default:
        if (number) {
          out.value(((Number) primaryValue).doubleValue());
        } else {
          out.label(String.valueOf(primaryValue));
        }
    }
    if (classTarget != null) {
      out.probabilities(probabilities(results));
    }
    for (String name : fieldNames) {
      out.field(name, EvaluatorUtil.decode(results.get(name)));
    }
    return out.build();
  }

  /** The class probabilities: from the class target's result, else from probability outputs. */
  private Map<String, Double> probabilities(Map<String, ?> results) {
    Map<String, Double> probabilities = new LinkedHashMap<>();
    Object result = results.get(classTarget.name);
    if (result instanceof HasProbability) {
      classTarget.putProbabilities((HasProbability) result, probabilities);
      return probabilities;
    }
    for (ProbabilityOutput output : probabilityOutputs) {
      Object p = results.get(output.name);
      if (p instanceof Number) {
        probabilities.put(output.category, ((Number) p).doubleValue());
      }
    }
    return probabilities;
  }

  /** The categorical target whose result carries the class probabilities. */
  private static final class ClassTarget {
    final String name;
    final List<Object> categories;
    final String[] keys;

    private ClassTarget(TargetField field) {
      this.name = field.getName();
      List<Object> declared = field.getCategories();
      this.categories = declared == null ? List.of() : List.copyOf(declared);
      this.keys = new String[categories.size()];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = String.valueOf(categories.get(i));
      }
    }

    /** The first declared target if the model is a classification, else none. */
    static ClassTarget of(Evaluator evaluator) {
      if (PmmlPrimary.Task.of(evaluator) != PmmlPrimary.Task.CLASSIFICATION) {
        return null;
      }
      TargetField target = PmmlPrimary.firstDeclaredTarget(evaluator);
      if (target == null) {
        target = evaluator.getTargetFields().isEmpty() ? null : evaluator.getTargetFields().get(0);
      }
      if (target == null || target.getOpType() == OpType.CONTINUOUS) {
        return null;
      }
      return new ClassTarget(target);
    }

    /** In the model's category order (the DataField's values), else the result's. */
    void putProbabilities(HasProbability result, Map<String, Double> into) {
      if (keys.length > 0) {
        for (int i = 0; i < keys.length; i++) {
          into.put(keys[i], orZero(result.getProbability(categories.get(i))));
        }
      } else {
        for (Object category : result.getCategories()) {
          into.put(String.valueOf(category), orZero(result.getProbability(category)));
        }
      }
    }

    private static double orZero(Double p) {
      return p == null ? 0.0 : p;
    }
  }

  /** An Output field with feature {@code probability} for one class. */
  private static final class ProbabilityOutput {
    final String name;
    final String category;

    ProbabilityOutput(String name, Object category) {
      this.name = name;
      this.category = String.valueOf(category);
    }
  }
}

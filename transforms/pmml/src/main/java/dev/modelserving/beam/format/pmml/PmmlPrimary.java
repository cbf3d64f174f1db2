package dev.modelserving.beam.format.pmml;

import dev.modelserving.beam.model.ModelLoadException;
import java.util.ArrayList;
import java.util.List;
import org.dmg.pmml.DataType;
import org.dmg.pmml.MiningFunction;
import org.dmg.pmml.OpType;
import org.dmg.pmml.ResultFeature;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.OutputField;
import org.jpmml.evaluator.TargetField;

/**
 * The result field a PMML model's primary prediction is read from, and whether it is a number or
 * a class. Chosen once, when the model is loaded, by the rule that {@link PmmlResultDecoder}
 * documents.
 */
final class PmmlPrimary {

  /** How the primary field's result becomes the primary prediction. */
  enum Kind {
    /** A number: {@code ModelOutput.value}. */
    VALUE,
    /** A class: {@code ModelOutput.label}. */
    LABEL,
    /** A number becomes the value, anything else the label (models that are neither kind). */
    BY_RESULT
  }

  /** What the model predicts, from its mining function and its first declared target. */
  enum Task {
    REGRESSION,
    CLASSIFICATION,
    OTHER;

    static Task of(Evaluator evaluator) {
      MiningFunction function = evaluator.getMiningFunction();
      if (function == MiningFunction.REGRESSION) {
        return REGRESSION;
      }
      if (function == MiningFunction.CLASSIFICATION) {
        return CLASSIFICATION;
      }
      TargetField target = firstDeclaredTarget(evaluator);
      OpType opType = target == null ? null : target.getOpType();
      if (opType == OpType.CONTINUOUS) {
        return REGRESSION;
      }
      return opType == OpType.CATEGORICAL || opType == OpType.ORDINAL ? CLASSIFICATION : OTHER;
    }
  }

  private final String name;
  private final Kind kind;
  private final String description;

  private PmmlPrimary(String name, Kind kind, String description) {
    this.name = name;
    this.kind = kind;
    this.description = description;
  }

  /** The key of the primary field in JPMML's result map (null for a synthetic target). */
  String name() {
    return name;
  }

  Kind kind() {
    return kind;
  }

  /** E.g. "output field 'GaussianPrediction'", for error messages. */
  String description() {
    return description;
  }

  @Override
  public String toString() {
    return description + " as " + kind;
  }

  /**
   * The primary field of a model: the first of {@code requested} ({@code output_mapping.outputs})
   * when given, else the model's final prediction.
   *
   * @throws ModelLoadException if {@code requested} names a field the model does not have
   */
  static PmmlPrimary choose(Evaluator evaluator, List<String> requested, String model)
      throws ModelLoadException {
    Task task = Task.of(evaluator);
    if (!requested.isEmpty()) {
      checkKnown(evaluator, requested, model);
      return byName(evaluator, requested.get(0), task);
    }
    return automatic(evaluator, task);
  }

  /** The documented precedence, for a model without {@code output_mapping.outputs}. */
  private static PmmlPrimary automatic(Evaluator evaluator, Task task) {
    List<OutputField> outputs = evaluator.getOutputFields();
    if (task != Task.CLASSIFICATION) {
      // Later output fields may refer to earlier ones: the last is the end of the post-processing.
      for (int i = outputs.size() - 1; i >= 0; i--) {
        OutputField field = outputs.get(i);
        if (field.isFinalResult() && isTransformed(field) && fits(field, task)) {
          return ofOutput(field, task);
        }
      }
    }
    TargetField target = firstDeclaredTarget(evaluator);
    if (target != null) {
      return ofTarget(target, task);
    }
    for (OutputField field : outputs) {
      if (field.isFinalResult() && isPredicted(field) && fits(field, task)) {
        return ofOutput(field, task);
      }
    }
    return new PmmlPrimary(null, kindFor(task), "undeclared target");
  }

  private static PmmlPrimary byName(Evaluator evaluator, String name, Task task) {
    for (TargetField target : evaluator.getTargetFields()) {
      if (!target.isSynthetic() && target.getName().equals(name)) {
        OpType opType = target.getOpType();
        boolean label =
            task == Task.CLASSIFICATION || opType == OpType.CATEGORICAL || opType == OpType.ORDINAL;
        return new PmmlPrimary(name, label ? Kind.LABEL : Kind.VALUE, "target field '" + name + "'");
      }
    }
    for (OutputField field : evaluator.getOutputFields()) {
      if (field.getName().equals(name)) {
        Kind kind = isNumeric(field) ? Kind.VALUE : isCategorical(field) ? Kind.LABEL : Kind.BY_RESULT;
        return new PmmlPrimary(name, kind, "output field '" + name + "'");
      }
    }
    throw new IllegalStateException("checked before: " + name);
  }

  private static void checkKnown(Evaluator evaluator, List<String> requested, String model)
      throws ModelLoadException {
    List<String> targets = new ArrayList<>();
    for (TargetField target : evaluator.getTargetFields()) {
      if (!target.isSynthetic()) {
        targets.add(target.getName());
      }
    }
    List<String> outputs = new ArrayList<>();
    for (OutputField field : evaluator.getOutputFields()) {
      outputs.add(field.getName());
    }
    for (String name : requested) {
      if (!targets.contains(name) && !outputs.contains(name)) {
        throw new ModelLoadException(
            model + ": output_mapping.outputs names '" + name + "', which is not a target or"
                + " output field of the model; its target fields are " + targets
                + " and its output fields are " + outputs
                + ": list one of them first (--modelOutputs), or none to use the model's final"
                + " prediction");
      }
    }
  }

  private static PmmlPrimary ofTarget(TargetField target, Task task) {
    return new PmmlPrimary(
        target.getName(), kindFor(task), "target field '" + target.getName() + "'");
  }

  private static PmmlPrimary ofOutput(OutputField field, Task task) {
    return new PmmlPrimary(
        field.getName(), kindFor(task), "output field '" + field.getName() + "'");
  }

  private static Kind kindFor(Task task) {
    switch (task) {
      case REGRESSION:
        return Kind.VALUE;
      case CLASSIFICATION:
        return Kind.LABEL;
      default:
        return Kind.BY_RESULT;
    }
  }

  /** Whether a field can be the primary prediction of a model with this task. */
  private static boolean fits(OutputField field, Task task) {
    switch (task) {
      case REGRESSION:
        return isNumeric(field);
      case CLASSIFICATION:
        return !isNumeric(field);
      default:
        return true;
    }
  }

  private static boolean isTransformed(OutputField field) {
    ResultFeature feature = field.getField().getResultFeature();
    return feature == ResultFeature.TRANSFORMED_VALUE || feature == ResultFeature.DECISION;
  }

  private static boolean isPredicted(OutputField field) {
    ResultFeature feature = field.getField().getResultFeature();
    return feature == ResultFeature.PREDICTED_VALUE
        || feature == ResultFeature.PREDICTED_DISPLAY_VALUE;
  }

  /** Declared continuous, or without an optype but with a numeric data type. */
  private static boolean isNumeric(OutputField field) {
    OpType opType = field.getField().getOpType();
    if (opType != null) {
      return opType == OpType.CONTINUOUS;
    }
    DataType type = field.getField().getDataType();
    return type == DataType.DOUBLE || type == DataType.FLOAT || type == DataType.INTEGER;
  }

  /** Declared categorical or ordinal, or typed as text or a boolean. */
  private static boolean isCategorical(OutputField field) {
    OpType opType = field.getField().getOpType();
    if (opType != null) {
      return opType == OpType.CATEGORICAL || opType == OpType.ORDINAL;
    }
    DataType type = field.getField().getDataType();
    return type == DataType.STRING || type == DataType.BOOLEAN;
  }

  static TargetField firstDeclaredTarget(Evaluator evaluator) {
    for (TargetField target : evaluator.getTargetFields()) {
      if (!target.isSynthetic()) {
        return target;
      }
    }
    return null;
  }
}

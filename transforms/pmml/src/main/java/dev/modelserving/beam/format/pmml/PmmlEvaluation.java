package dev.modelserving.beam.format.pmml;

import java.util.HashMap;
import java.util.Map;
import org.jpmml.evaluator.Configuration;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.FieldValue;
import org.jpmml.evaluator.ModelEvaluationContext;
import org.jpmml.evaluator.ModelEvaluator;

/**
 * The evaluation state of one scoring call: the arguments map, refilled for each record, and for a
 * batch one JPMML {@link ModelEvaluationContext}, reset before each record. It belongs to the call
 * that made it and is never shared between threads; the evaluator is.
 *
 * <p>Reusing the context is what {@code ModelEvaluator.evaluate} does minus the context
 * allocation: it creates a context, sets the arguments and calls {@code evaluateInternal}; JPMML's
 * own segment evaluation reuses contexts the same way ({@code reset(true)} clears every value,
 * segment result and warning of the previous record). It is only done when {@code evaluate} adds
 * nothing else, i.e. no derived-field or function guards are configured (see {@link
 * #canReuseContext}).
 */
final class PmmlEvaluation {
  private final Evaluator evaluator;
  private final ModelEvaluator<?> modelEvaluator;
  private final ModelEvaluationContext context;
  private final Map<String, FieldValue> arguments;

  private PmmlEvaluation(Evaluator evaluator, boolean reuseContext, int inputs) {
    this.evaluator = evaluator;
    this.modelEvaluator = reuseContext ? (ModelEvaluator<?>) evaluator : null;
    this.context = reuseContext ? modelEvaluator.createEvaluationContext() : null;
    this.arguments = new HashMap<>(inputs * 2);
  }

  /** For one record: evaluates through {@link Evaluator#evaluate}. */
  static PmmlEvaluation forRecord(Evaluator evaluator, int inputs) {
    return new PmmlEvaluation(evaluator, false, inputs);
  }

  /** For a batch: one context for all its records when {@code reuseContext}. */
  static PmmlEvaluation forBatch(Evaluator evaluator, boolean reuseContext, int inputs) {
    return new PmmlEvaluation(evaluator, reuseContext, inputs);
  }

  /**
   * Whether evaluating with a reused context gives what {@link Evaluator#evaluate} gives: the
   * evaluator is a {@link ModelEvaluator} without derived-field or function guards (which {@code
   * evaluate} would install per call). The evaluators this plug-in builds qualify.
   */
  static boolean canReuseContext(Evaluator evaluator) {
    if (!(evaluator instanceof ModelEvaluator)) {
      return false;
    }
    Configuration configuration = ((ModelEvaluator<?>) evaluator).getConfiguration();
    return configuration != null
        && configuration.getDerivedFieldGuard() == null
        && configuration.getFunctionGuard() == null;
  }

  /** The arguments of the current record, by PMML input name; every input is set per record. */
  Map<String, FieldValue> arguments() {
    return arguments;
  }

  /**
   * Evaluates the current arguments. The results may refer to the context (e.g. warnings), so
   * they must be read before the next record is evaluated.
   */
  Map<String, ?> evaluate() {
    if (context == null) {
      return evaluator.evaluate(arguments);
    }
    context.reset(true);
    context.setArguments(arguments);
    return modelEvaluator.evaluateInternal(context);
  }
}

package dev.modelserving.beam.format.pmml;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.FieldValue;

/**
 * Scores records with one JPMML {@link Evaluator}, built once by {@link PmmlModelFormat} and shared
 * by all threads (JPMML evaluators are thread-safe once built). Holds no native resources.
 *
 * <p>{@link #scoreBatch} scores a whole batch in one call, reusing one arguments map and one JPMML
 * evaluation context (see {@link PmmlEvaluation}); its results equal those of {@link #score},
 * record by record, failures and their reasons included. {@link PmmlResultDecoder} says what the
 * output holds.
 */
public final class PmmlScorer implements Scorer {
  private final Evaluator evaluator;
  private final List<PmmlInput> inputs;
  private final PmmlResultDecoder decoder;
  private final List<String> requiredFields;
  private final boolean reuseContext;

  PmmlScorer(Evaluator evaluator, List<PmmlInput> inputs, PmmlResultDecoder decoder) {
    this.evaluator = evaluator;
    this.inputs = List.copyOf(inputs);
    this.decoder = decoder;
    Set<String> required = new LinkedHashSet<>();
    for (PmmlInput input : inputs) {
      if (input.isActive()) {
        required.add(input.recordField());
      }
    }
    this.requiredFields = List.copyOf(required);
    this.reuseContext = PmmlEvaluation.canReuseContext(evaluator);
  }

  /** The JPMML evaluator this scorer uses. */
  public Evaluator evaluator() {
    return evaluator;
  }

  /** The record fields the model's active inputs read, after the input mapping, in model order. */
  @Override
  public List<String> requiredFields() {
    return requiredFields;
  }

  @Override
  public ModelOutput score(Features features) throws InvalidRecordException {
    return score(features, PmmlEvaluation.forRecord(evaluator, inputs.size()));
  }

  /**
   * Scores the batch in one call with one arguments map and, when the evaluator allows it, one
   * JPMML evaluation context for all records (both local to this call). A record the model refuses
   * fails alone, with the reason {@link #score} gives.
   */
  @Override
  public BatchScores scoreBatch(List<Features> batch) {
    BatchScores scores = BatchScores.of(batch.size());
    PmmlEvaluation evaluation = PmmlEvaluation.forBatch(evaluator, reuseContext, inputs.size());
    for (int i = 0; i < batch.size(); i++) {
      try {
        scores.setOutput(i, score(batch.get(i), evaluation));
      } catch (InvalidRecordException e) {
        scores.setFailure(i, e.getMessage());
      } catch (RuntimeException e) {
        scores.setFailure(i, "the model failed on this record: " + e);
      }
    }
    return scores;
  }

  /** Scores one record with the evaluation state of the current call. */
  private ModelOutput score(Features features, PmmlEvaluation evaluation)
      throws InvalidRecordException {
    Map<String, FieldValue> arguments = evaluation.arguments();
    for (PmmlInput input : inputs) {
      arguments.put(input.name(), input.prepare(features));
    }
    Map<String, ?> results;
    try {
      results = evaluation.evaluate();
    } catch (RuntimeException e) {
      throw new InvalidRecordException(
          "the PMML model could not score the record: " + PmmlModelFormat.rootMessage(e)
              + missingHint(features),
          e);
    }
    ModelOutput output;
    try {
      output = decoder.decode(results);
    } catch (RuntimeException e) {
      throw new InvalidRecordException(
          "the PMML model's result could not be read: " + PmmlModelFormat.rootMessage(e), e);
    }
    if (output == null) {
      throw new InvalidRecordException(
          "the PMML model gave no prediction for the record (no result for its "
              + decoder.primary().description() + ")" + missingHint(features));
    }
    return output;
  }

  /** Names the missing inputs, the usual reason a model gives no result. Only used on failure. */
  private String missingHint(Features features) {
    List<String> missing = new ArrayList<>();
    for (PmmlInput input : inputs) {
      if (input.isActive() && !features.has(input.recordField())) {
        missing.add(input.recordField());
      }
    }
    return missing.isEmpty()
        ? ""
        : "; missing field(s) " + missing + " (the model cannot score without them)";
  }

  /** Nothing to release: the evaluator lives on the heap and is garbage-collected. */
  @Override
  public void close() {}
}

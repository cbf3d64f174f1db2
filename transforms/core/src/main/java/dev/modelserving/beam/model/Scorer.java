package dev.modelserving.beam.model;

import java.util.List;

/**
 * A loaded model, ready to score records. Built once per model version by a {@link ModelFormat}
 * (the {@code load_model} of Beam Python's RunInference {@code ModelHandler}), shared by every
 * thread of the JVM, and closed when no serving key uses it any more.
 *
 * <p>{@link #scoreBatch} is the serving path ({@code run_inference(batch, model)}): the engine
 * groups records into batches and makes one call per batch. A format that can do better than a
 * loop over {@link #score} overrides it, e.g. TensorFlow packs the batch into one tensor and makes
 * one {@code Session.run}.
 *
 * <p>Implementations must be safe to call from several threads at once, and must not re-parse the
 * model, block on I/O or allocate more than the call needs.
 */
public interface Scorer extends AutoCloseable {

  /** The record fields this model reads, after its input mapping; checked when it is loaded. */
  List<String> requiredFields();

  /**
   * Scores one record.
   *
   * @throws InvalidRecordException if the record lacks a field or has a value the model cannot
   *     accept; the record then goes to the dead letters with that reason
   */
  ModelOutput score(Features features) throws InvalidRecordException;

  /**
   * Scores a batch: one output or one failure reason per record, in batch order. A record the model
   * refuses fails alone; the rest of the batch is scored. Never throws for a bad record.
   *
   * <p>The default calls {@link #score} once per record.
   */
  default BatchScores scoreBatch(List<Features> batch) {
    BatchScores scores = BatchScores.of(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      scoreInto(this, batch.get(i), scores, i);
    }
    return scores;
  }

  /**
   * The largest batch this model takes in one {@link #scoreBatch} call (e.g. a model whose input
   * has a fixed batch dimension); the engine splits larger batches. Default: no limit.
   */
  default int maxBatchSize() {
    return Integer.MAX_VALUE;
  }

  /** Releases native memory, sessions or temporary files. Never throws. */
  @Override
  void close();

  /**
   * Scores one record with {@link #score} into slot {@code index} of {@code scores}: its output, or
   * the reason it failed. For {@link #scoreBatch} implementations that fall back to single records.
   */
  static void scoreInto(Scorer scorer, Features features, BatchScores scores, int index) {
    try {
      ModelOutput output = scorer.score(features);
      if (output == null) {
        scores.setFailure(index, "the model gave no output for the record");
      } else {
        scores.setOutput(index, output);
      }
    } catch (InvalidRecordException e) {
      scores.setFailure(index, e.getMessage());
    } catch (RuntimeException e) {
      scores.setFailure(index, "the model failed on this record: " + e);
    }
  }
}

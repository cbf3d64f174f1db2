package dev.modelserving.beam.model;

import java.util.List;

/**
 * A loaded model, ready to score records. Built once per model version by a {@link ModelFormat},
 * reused for every record, and closed when the model is replaced.
 *
 * <p>Implementations must be safe to call from several threads, and {@link #score} must not
 * re-parse the model, block on I/O or allocate more than the call needs.
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

  /** Releases native memory, sessions or temporary files. Never throws. */
  @Override
  void close();
}

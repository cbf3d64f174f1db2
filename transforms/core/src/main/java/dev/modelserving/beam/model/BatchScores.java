package dev.modelserving.beam.model;

import java.util.Arrays;

/**
 * The results of one {@link Scorer#scoreBatch} call: for each record of the batch, in batch order,
 * either the model's output or the reason the record could not be scored. A record with a reason is
 * dead-lettered alone; the rest of its batch is scored.
 *
 * <pre>{@code
 * BatchScores scores = BatchScores.of(batch.size());
 * for (int i = 0; i < batch.size(); i++) {
 *   try {
 *     scores.setOutput(i, score(batch.get(i)));
 *   } catch (InvalidRecordException e) {
 *     scores.setFailure(i, e.getMessage());
 *   }
 * }
 * }</pre>
 */
public final class BatchScores {
  private final ModelOutput[] outputs;
  private final String[] failures;

  private BatchScores(int size) {
    this.outputs = new ModelOutput[size];
    this.failures = new String[size];
  }

  /** Results for a batch of {@code size} records, none set yet. */
  public static BatchScores of(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("batch size must not be negative, was " + size);
    }
    return new BatchScores(size);
  }

  /** The number of records in the batch. */
  public int size() {
    return outputs.length;
  }

  /** Records the output of record {@code index}. */
  public void setOutput(int index, ModelOutput output) {
    outputs[index] = output;
    failures[index] = null;
  }

  /** Records why record {@code index} could not be scored. */
  public void setFailure(int index, String reason) {
    failures[index] = reason == null || reason.isEmpty() ? "the model refused the record" : reason;
    outputs[index] = null;
  }

  /** The output of record {@code index}, or null if it failed or was not scored. */
  public ModelOutput output(int index) {
    return outputs[index];
  }

  /**
   * Why record {@code index} was not scored, or null if it was. A record that got neither an
   * output nor a reason is reported as having no output.
   */
  public String failure(int index) {
    if (failures[index] == null && outputs[index] == null) {
      return "the model gave no output for the record";
    }
    return failures[index];
  }

  /** True if record {@code index} has an output. */
  public boolean isScored(int index) {
    return outputs[index] != null;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("BatchScores[");
    for (int i = 0; i < outputs.length; i++) {
      s.append(i == 0 ? "" : ", ").append(isScored(i) ? outputs[i] : "failed: " + failure(i));
    }
    return s.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchScores
        && Arrays.equals(outputs, ((BatchScores) o).outputs)
        && Arrays.equals(failures, ((BatchScores) o).failures);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(outputs) + Arrays.hashCode(failures);
  }
}

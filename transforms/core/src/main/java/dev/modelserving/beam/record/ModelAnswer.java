package dev.modelserving.beam.record;

import dev.modelserving.beam.model.ModelOutput;
import java.io.Serializable;
import java.util.Objects;

/**
 * What one model of a policy said about one record: the model's identity, whether it answered in
 * time, its output or why it has none, and how long its call took.
 */
public final class ModelAnswer implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How a consulted model ended for a record. */
  public enum Status {
    /** The model answered in time; {@link #getOutput()} holds the answer. */
    ANSWERED,
    /** The model refused the record; {@link #getFailure()} says why. */
    FAILED,
    /** The model had not answered when the latency budget expired. */
    TIMED_OUT,
    /** The model was not called: it was still busy with an earlier batch past its budget, or not loaded. */
    SKIPPED
  }

  private final String modelName;
  private final String modelVersion;
  private final String modelUuid;
  private final String role;
  private final Status status;
  private final ModelOutput output;
  private final String failure;
  private final long latencyNanos;

  /**
   * @param role what the model is to the policy: e.g. {@code "fast"}, {@code "shadow"}, {@code "model"}
   * @param output the answer, when {@code status} is {@link Status#ANSWERED}
   * @param failure the reason, for any other status
   * @param latencyNanos the duration of the model call (for a timed-out model: the budget)
   */
  public ModelAnswer(String modelName, String modelVersion, String modelUuid, String role, Status status,
      ModelOutput output, String failure, long latencyNanos) {
    this.modelName = modelName;
    this.modelVersion = modelVersion;
    this.modelUuid = modelUuid;
    this.role = role;
    this.status = Objects.requireNonNull(status, "status");
    if (status == Status.ANSWERED && output == null) {
      throw new IllegalArgumentException("an answered model has an output");
    }
    this.output = output;
    this.failure = failure;
    this.latencyNanos = latencyNanos;
  }

  public String getModelName() {
    return modelName;
  }

  public String getModelVersion() {
    return modelVersion;
  }

  public String getModelUuid() {
    return modelUuid;
  }

  /** What the model is to the policy: {@code "model"}, {@code "fast"} or {@code "shadow"}. */
  public String getRole() {
    return role;
  }

  public Status getStatus() {
    return status;
  }

  /** True if the model answered this record in time. */
  public boolean answered() {
    return status == Status.ANSWERED;
  }

  /** The answer, or null unless {@link #answered()}. */
  public ModelOutput getOutput() {
    return output;
  }

  /** Why there is no answer, or null. */
  public String getFailure() {
    return failure;
  }

  public long getLatencyNanos() {
    return latencyNanos;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelAnswer)) {
      return false;
    }
    ModelAnswer a = (ModelAnswer) o;
    return latencyNanos == a.latencyNanos && status == a.status && Objects.equals(modelName, a.modelName)
        && Objects.equals(modelVersion, a.modelVersion) && Objects.equals(modelUuid, a.modelUuid)
        && Objects.equals(role, a.role) && Objects.equals(output, a.output) && Objects.equals(failure, a.failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(modelName, modelVersion, modelUuid, status, output);
  }

  @Override
  public String toString() {
    return "'" + modelName + "' v" + modelVersion + " " + status
        + (output != null ? " " + output : failure != null ? " (" + failure + ")" : "");
  }
}

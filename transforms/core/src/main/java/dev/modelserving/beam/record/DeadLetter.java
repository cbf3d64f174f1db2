package dev.modelserving.beam.record;

import java.io.Serializable;
import java.util.Objects;

/**
 * A record that was not scored, with the reason: the payload as it arrived, so it can be fixed and
 * replayed. Used for both the dead-letter output (bad records) and the unserved output (good
 * records that had no model to score them).
 */
public final class DeadLetter implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Where in the pipeline the record failed. */
  public enum Stage {
    /** The payload could not be parsed into a record. */
    PARSE,
    /** The record's data type could not be found, or is not served. */
    ROUTE,
    /** Features could not be extracted from the record. */
    FEATURES,
    /** The model refused the record's values. */
    SCORE,
    /** No model was available for the record's data type. */
    UNSERVED,
    /** The record could not be trained on: its label or a feature is missing or not usable. */
    TRAIN
  }

  private final String payload;
  private final String dataType;
  private final Stage stage;
  private final String reason;
  private final long failedAtMillis;

  public DeadLetter(String payload, String dataType, Stage stage, String reason, long failedAtMillis) {
    this.payload = payload;
    this.dataType = dataType;
    this.stage = Objects.requireNonNull(stage, "stage");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.failedAtMillis = failedAtMillis;
  }

  public static DeadLetter now(String payload, String dataType, Stage stage, String reason) {
    return new DeadLetter(payload, dataType, stage, reason, System.currentTimeMillis());
  }

  public String getPayload() {
    return payload;
  }

  /** The record's data type, or null if it could not be found. */
  public String getDataType() {
    return dataType;
  }

  public Stage getStage() {
    return stage;
  }

  public String getReason() {
    return reason;
  }

  public long getFailedAtMillis() {
    return failedAtMillis;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DeadLetter)) {
      return false;
    }
    DeadLetter d = (DeadLetter) o;
    return failedAtMillis == d.failedAtMillis
        && Objects.equals(payload, d.payload)
        && Objects.equals(dataType, d.dataType)
        && stage == d.stage
        && reason.equals(d.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(payload, dataType, stage, reason, failedAtMillis);
  }

  @Override
  public String toString() {
    return stage + " [" + dataType + "] " + reason + ": " + payload;
  }
}

package dev.modelserving.beam.record;

import java.io.Serializable;
import java.util.Objects;

/**
 * A shadow model's answer next to the primary's for one record: the shadow never decides the
 * result, it is only compared. They agree when both give the same label (classification) or
 * values within the tolerance the routed policy was given (regression).
 */
public final class ShadowComparison implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String recordId;
  private final String dataType;
  private final ModelAnswer primary;
  private final ModelAnswer shadow;
  private final boolean agree;

  public ShadowComparison(String recordId, String dataType, ModelAnswer primary, ModelAnswer shadow, boolean agree) {
    this.recordId = recordId;
    this.dataType = dataType;
    this.primary = Objects.requireNonNull(primary, "primary");
    this.shadow = Objects.requireNonNull(shadow, "shadow");
    this.agree = agree;
  }

  /** The record's id (the transform's record id function), by which it joins the scored output. */
  public String getRecordId() {
    return recordId;
  }

  public String getDataType() {
    return dataType;
  }

  /** The answer that is the record's result. */
  public ModelAnswer getPrimary() {
    return primary;
  }

  public ModelAnswer getShadow() {
    return shadow;
  }

  /** True if the shadow answered and its answer matches the primary's. */
  public boolean agrees() {
    return agree;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ShadowComparison)) {
      return false;
    }
    ShadowComparison c = (ShadowComparison) o;
    return agree == c.agree && Objects.equals(recordId, c.recordId) && Objects.equals(dataType, c.dataType)
        && primary.equals(c.primary) && shadow.equals(c.shadow);
  }

  @Override
  public int hashCode() {
    return Objects.hash(recordId, primary, shadow, agree);
  }

  @Override
  public String toString() {
    return recordId + ": shadow " + shadow + (agree ? " agrees with " : " differs from ") + "primary " + primary;
  }
}

package dev.modelserving.beam.status;

import java.io.Serializable;
import java.util.Objects;

/**
 * One element of the status stream that the serving steps of {@code ServeModels} emit and {@link
 * ModelStatus} turns into reports: either what a model did with a batch ({@link BatchStats}) or a
 * change of a data type's set ({@link ModelSetChange}).
 */
public final class ModelStatusEvent implements Serializable {
  private static final long serialVersionUID = 1L;

  private final BatchStats batch;
  private final ModelSetChange change;

  private ModelStatusEvent(BatchStats batch, ModelSetChange change) {
    this.batch = batch;
    this.change = change;
  }

  public static ModelStatusEvent of(BatchStats batch) {
    return new ModelStatusEvent(Objects.requireNonNull(batch, "batch"), null);
  }

  public static ModelStatusEvent of(ModelSetChange change) {
    return new ModelStatusEvent(null, Objects.requireNonNull(change, "change"));
  }

  /** True for a set change, false for a batch's stats. */
  public boolean isChange() {
    return change != null;
  }

  /** The batch's stats, or null for a change. */
  public BatchStats getBatch() {
    return batch;
  }

  /** The change, or null for a batch's stats. */
  public ModelSetChange getChange() {
    return change;
  }

  public String getDataType() {
    return change != null ? change.getDataType() : batch.getDataType();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelStatusEvent && Objects.equals(batch, ((ModelStatusEvent) o).batch)
        && Objects.equals(change, ((ModelStatusEvent) o).change);
  }

  @Override
  public int hashCode() {
    return Objects.hash(batch, change);
  }

  @Override
  public String toString() {
    return String.valueOf(change != null ? change : batch);
  }
}

package dev.modelserving.beam.status;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A change of a data type's model set, as a serving step reports it to the status stream: what
 * changed, and the whole set after it. In keyed mode every shard of the data type reports the same
 * change; {@link ModelStatus} keeps the first (see there).
 */
public final class ModelSetChange implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What changed. */
  public enum Kind {
    /** A model of a new name joined the set. */
    ADDED("added"),
    /** A new version of a model became its current version. */
    REPLACED("replaced"),
    /** A model left the set. */
    REMOVED("removed"),
    /** A model's previous version became current again. */
    ROLLED_BACK("rolled-back"),
    /** The data type's routing changed (the roles of its models). */
    ROUTED("routed");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The kind as the status stream writes it, e.g. {@code rolled-back}. */
    public String label() {
      return label;
    }
  }

  private final String dataType;
  private final Kind kind;
  private final String modelName;
  private final String modelVersion;
  private final String modelUuid;
  private final String policy;
  private final List<ModelInfo> models;
  private final long changedAtMillis;
  private final long sequence;

  /**
   * @param modelName the model the change is about (empty for {@link Kind#ROUTED}), likewise its
   *     version and uuid
   * @param models the set after the change, oldest first
   * @param changedAtMillis when the reporting step applied it, by its wall clock
   * @param sequence the number of the change among the data type's changes when one step numbers
   *     them (broadcast mode), else -1
   */
  public ModelSetChange(String dataType, Kind kind, String modelName, String modelVersion, String modelUuid,
      String policy, List<ModelInfo> models, long changedAtMillis, long sequence) {
    this.dataType = Objects.requireNonNull(dataType, "dataType");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.modelName = modelName == null ? "" : modelName;
    this.modelVersion = modelVersion == null ? "" : modelVersion;
    this.modelUuid = modelUuid == null ? "" : modelUuid;
    this.policy = policy == null ? "" : policy;
    this.models = Collections.unmodifiableList(new ArrayList<>(models));
    this.changedAtMillis = changedAtMillis;
    this.sequence = sequence;
  }

  public String getDataType() {
    return dataType;
  }

  public Kind getKind() {
    return kind;
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

  /** The data type's serving policy, e.g. {@code current}. */
  public String getPolicy() {
    return policy;
  }

  /** The set after the change, oldest first. */
  public List<ModelInfo> getModels() {
    return models;
  }

  public long getChangedAtMillis() {
    return changedAtMillis;
  }

  /** The change's number among its data type's changes, or -1 when changes are not numbered (keyed mode). */
  public long getSequence() {
    return sequence;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelSetChange)) {
      return false;
    }
    ModelSetChange c = (ModelSetChange) o;
    return changedAtMillis == c.changedAtMillis && sequence == c.sequence && dataType.equals(c.dataType)
        && kind == c.kind && modelName.equals(c.modelName) && modelVersion.equals(c.modelVersion)
        && modelUuid.equals(c.modelUuid) && policy.equals(c.policy) && models.equals(c.models);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dataType, kind, modelUuid, changedAtMillis);
  }

  @Override
  public String toString() {
    return "ModelSetChange(" + dataType + ": " + kind.label() + " '" + modelName + "' v" + modelVersion + " -> "
        + models + ")";
  }
}

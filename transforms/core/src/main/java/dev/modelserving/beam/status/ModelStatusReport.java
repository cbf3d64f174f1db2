package dev.modelserving.beam.status;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The status of one data type's models at one moment, the stream equivalent of queryable state:
 * its current models (identity, role, load time), what each has scored since it became current in
 * this pipeline, and the latency of its model calls. {@link ModelStatus} emits one on every change
 * of the set and every interval; see README "Model status" for the JSON form.
 */
public final class ModelStatusReport implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Why a report was emitted. */
  public enum Trigger {
    /** The set changed (see {@link #getLastChange()}). */
    CHANGE("change"),
    /** The interval passed. */
    INTERVAL("interval"),
    /** The input ended (bounded runs): the final figures. */
    INPUT_ENDED("input-ended");

    private final String label;

    Trigger(String label) {
      this.label = label;
    }

    /** The trigger as the status stream writes it, e.g. {@code input-ended}. */
    public String label() {
      return label;
    }
  }

  private final String dataType;
  private final long sequence;
  private final long reportedAtMillis;
  private final Trigger trigger;
  private final String policy;
  private final Change lastChange;
  private final List<Model> models;

  public ModelStatusReport(String dataType, long sequence, long reportedAtMillis, Trigger trigger, String policy,
      Change lastChange, List<Model> models) {
    this.dataType = Objects.requireNonNull(dataType, "dataType");
    this.sequence = sequence;
    this.reportedAtMillis = reportedAtMillis;
    this.trigger = Objects.requireNonNull(trigger, "trigger");
    this.policy = policy == null ? "" : policy;
    this.lastChange = lastChange;
    this.models = Collections.unmodifiableList(new ArrayList<>(models));
  }

  public String getDataType() {
    return dataType;
  }

  /** The number of this report among its data type's reports in this pipeline: 1, 2, ... */
  public long getSequence() {
    return sequence;
  }

  /** When it was made, by the wall clock of the aggregating worker. */
  public long getReportedAtMillis() {
    return reportedAtMillis;
  }

  public Trigger getTrigger() {
    return trigger;
  }

  /** The data type's serving policy, e.g. {@code current}. */
  public String getPolicy() {
    return policy;
  }

  /** The latest change of the set, or null if none was seen (e.g. a restart from a checkpoint). */
  public Change getLastChange() {
    return lastChange;
  }

  /** The current models, oldest first (the last one took over last). */
  public List<Model> getModels() {
    return models;
  }

  /** The model with this name, or null. */
  public Model model(String name) {
    for (Model m : models) {
      if (m.getInfo().getName().equals(name)) {
        return m;
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelStatusReport)) {
      return false;
    }
    ModelStatusReport r = (ModelStatusReport) o;
    return sequence == r.sequence && reportedAtMillis == r.reportedAtMillis && dataType.equals(r.dataType)
        && trigger == r.trigger && policy.equals(r.policy) && Objects.equals(lastChange, r.lastChange)
        && models.equals(r.models);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dataType, sequence, reportedAtMillis);
  }

  @Override
  public String toString() {
    return "ModelStatusReport(" + dataType + " #" + sequence + " " + trigger.label() + ", " + policy + ", last change "
        + lastChange + ": " + models + ")";
  }

  /** The latest change of a set: its kind, the model it was about, and when it was applied. */
  public static final class Change implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelSetChange.Kind kind;
    private final String modelName;
    private final String modelVersion;
    private final String modelUuid;
    private final long atMillis;

    public Change(ModelSetChange.Kind kind, String modelName, String modelVersion, String modelUuid, long atMillis) {
      this.kind = Objects.requireNonNull(kind, "kind");
      this.modelName = modelName == null ? "" : modelName;
      this.modelVersion = modelVersion == null ? "" : modelVersion;
      this.modelUuid = modelUuid == null ? "" : modelUuid;
      this.atMillis = atMillis;
    }

    static Change of(ModelSetChange c) {
      return new Change(c.getKind(), c.getModelName(), c.getModelVersion(), c.getModelUuid(), c.getChangedAtMillis());
    }

    public ModelSetChange.Kind getKind() {
      return kind;
    }

    /** The model the change was about; empty for {@link ModelSetChange.Kind#ROUTED}. */
    public String getModelName() {
      return modelName;
    }

    public String getModelVersion() {
      return modelVersion;
    }

    public String getModelUuid() {
      return modelUuid;
    }

    /** When it was applied, by the wall clock of the serving step that applied it first. */
    public long getAtMillis() {
      return atMillis;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Change)) {
        return false;
      }
      Change c = (Change) o;
      return kind == c.kind && atMillis == c.atMillis && modelName.equals(c.modelName)
          && modelVersion.equals(c.modelVersion) && modelUuid.equals(c.modelUuid);
    }

    @Override
    public int hashCode() {
      return Objects.hash(kind, modelUuid, atMillis);
    }

    @Override
    public String toString() {
      return kind.label() + " '" + modelName + "' v" + modelVersion;
    }
  }

  /**
   * One current model: identity and role ({@link ModelInfo}), since when it is current, and what it
   * did since then: records it answered ({@code scored}), records whose result is its answer
   * ({@code won}; under the {@code current} policy the same as scored), records it failed on, and
   * the latency of its model calls in microseconds (none while {@code calls} is 0).
   */
  public static final class Model implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelInfo info;
    private final long currentSinceMillis;
    private final long scored;
    private final long won;
    private final long failed;
    private final long calls;
    private final long latencyMinMicros;
    private final long latencyMaxMicros;
    private final long latencySumMicros;

    public Model(ModelInfo info, long currentSinceMillis, long scored, long won, long failed, long calls,
        long latencyMinMicros, long latencyMaxMicros, long latencySumMicros) {
      this.info = Objects.requireNonNull(info, "info");
      this.currentSinceMillis = currentSinceMillis;
      this.scored = scored;
      this.won = won;
      this.failed = failed;
      this.calls = calls;
      this.latencyMinMicros = latencyMinMicros;
      this.latencyMaxMicros = latencyMaxMicros;
      this.latencySumMicros = latencySumMicros;
    }

    public ModelInfo getInfo() {
      return info;
    }

    /** When it became current (added, replaced its previous version, or rolled back to), by the wall clock. */
    public long getCurrentSinceMillis() {
      return currentSinceMillis;
    }

    /** Records it answered since it became current. */
    public long getScored() {
      return scored;
    }

    /** Records whose result is its answer since it became current. */
    public long getWon() {
      return won;
    }

    /** Records it failed on since it became current. */
    public long getFailed() {
      return failed;
    }

    /** Its model calls since it became current (one or more per batch). */
    public long getCalls() {
      return calls;
    }

    /** The shortest call in microseconds; 0 while {@link #getCalls()} is 0. */
    public long getLatencyMinMicros() {
      return latencyMinMicros;
    }

    /** The mean call in microseconds; NaN while {@link #getCalls()} is 0. */
    public double getLatencyMeanMicros() {
      return calls == 0 ? Double.NaN : (double) latencySumMicros / calls;
    }

    /** The longest call in microseconds; 0 while {@link #getCalls()} is 0. */
    public long getLatencyMaxMicros() {
      return latencyMaxMicros;
    }

    public long getLatencySumMicros() {
      return latencySumMicros;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Model)) {
        return false;
      }
      Model m = (Model) o;
      return info.equals(m.info) && currentSinceMillis == m.currentSinceMillis && scored == m.scored && won == m.won
          && failed == m.failed && calls == m.calls && latencyMinMicros == m.latencyMinMicros
          && latencyMaxMicros == m.latencyMaxMicros && latencySumMicros == m.latencySumMicros;
    }

    @Override
    public int hashCode() {
      return Objects.hash(info.getUuid(), scored);
    }

    @Override
    public String toString() {
      return info + " scored " + scored + " (won " + won + ", failed " + failed + ") in " + calls + " call(s)";
    }
  }
}

package dev.modelserving.beam.record;

import dev.modelserving.beam.model.ModelOutput;
import java.util.Objects;

/**
 * A record with its model output and the governance metadata that says who scored it: model name,
 * version, uuid and format, the serving decision, when it was served and how long scoring took.
 *
 * @param <T> the input record type
 */
public final class ScoredRecord<T> {
  private final T input;
  private final String dataType;
  private final ModelOutput output;
  private final String modelName;
  private final String modelVersion;
  private final String modelUuid;
  private final String modelFormat;
  private final String decision;
  private final long servedAtMillis;
  private final long latencyNanos;
  private final int batchSize;
  private final DecisionTrace trace;

  /** A record scored alone (batch size 1). */
  public ScoredRecord(
      T input, String dataType, ModelOutput output, String modelName, String modelVersion,
      String modelUuid, String modelFormat, String decision, long servedAtMillis, long latencyNanos) {
    this(input, dataType, output, modelName, modelVersion, modelUuid, modelFormat, decision,
        servedAtMillis, latencyNanos, 1);
  }

  /**
   * @param latencyNanos the duration of the model call that scored the record
   * @param batchSize the records scored by that call
   */
  public ScoredRecord(
      T input, String dataType, ModelOutput output, String modelName, String modelVersion,
      String modelUuid, String modelFormat, String decision, long servedAtMillis, long latencyNanos,
      int batchSize) {
    this(input, dataType, output, modelName, modelVersion, modelUuid, modelFormat, decision, servedAtMillis,
        latencyNanos, batchSize, null);
  }

  /**
   * A record scored under a serving policy that consulted several models.
   *
   * @param trace the policy's decision: every model consulted and why the winner (this record's
   *     model) won; null for a record scored by the only model the policy consults
   */
  public ScoredRecord(
      T input, String dataType, ModelOutput output, String modelName, String modelVersion,
      String modelUuid, String modelFormat, String decision, long servedAtMillis, long latencyNanos,
      int batchSize, DecisionTrace trace) {
    this.input = input;
    this.dataType = dataType;
    this.output = Objects.requireNonNull(output, "output");
    this.modelName = modelName;
    this.modelVersion = modelVersion;
    this.modelUuid = modelUuid;
    this.modelFormat = modelFormat;
    this.decision = decision;
    this.servedAtMillis = servedAtMillis;
    this.latencyNanos = latencyNanos;
    this.batchSize = batchSize;
    this.trace = trace;
  }

  public T getInput() {
    return input;
  }

  public String getDataType() {
    return dataType;
  }

  public ModelOutput getOutput() {
    return output;
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

  public String getModelFormat() {
    return modelFormat;
  }

  /**
   * Why this model scored the record, in short: {@code "latest"} (the newest model of the data type
   * serves alone), or the policy and its rule, e.g. {@code "speculative/preferred"}, {@code
   * "consensus/majority"}, {@code "routed/weight"}. {@link #getTrace()} has the details.
   */
  public String getDecision() {
    return decision;
  }

  public long getServedAtMillis() {
    return servedAtMillis;
  }

  /**
   * The duration of the model call that scored this record, in nanoseconds: the whole call, shared
   * by the {@link #getBatchSize()} records it scored.
   */
  public long getLatencyNanos() {
    return latencyNanos;
  }

  /** How many records the model call that scored this one scored (1: alone). */
  public int getBatchSize() {
    return batchSize;
  }

  /**
   * The decision trace: the policy, every model it consulted with its answer and latency, and why
   * the winner won. A record scored by the one model its policy consults gets a trace of that model alone.
   */
  public DecisionTrace getTrace() {
    if (trace != null) {
      return trace;
    }
    ModelAnswer only = new ModelAnswer(modelName, modelVersion, modelUuid, "model", ModelAnswer.Status.ANSWERED,
        output, null, latencyNanos);
    return new DecisionTrace(decision, java.util.List.of(only), modelName, "the only model the policy consults");
  }

  /** The trace as given, or null if the record was scored by the only model its policy consults. */
  public DecisionTrace getTraceIfConsulted() {
    return trace;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ScoredRecord)) {
      return false;
    }
    ScoredRecord<?> s = (ScoredRecord<?>) o;
    return servedAtMillis == s.servedAtMillis
        && latencyNanos == s.latencyNanos
        && batchSize == s.batchSize
        && Objects.equals(input, s.input)
        && Objects.equals(dataType, s.dataType)
        && output.equals(s.output)
        && Objects.equals(modelName, s.modelName)
        && Objects.equals(modelVersion, s.modelVersion)
        && Objects.equals(modelUuid, s.modelUuid)
        && Objects.equals(modelFormat, s.modelFormat)
        && Objects.equals(decision, s.decision)
        && Objects.equals(trace, s.trace);
  }

  @Override
  public int hashCode() {
    return Objects.hash(input, dataType, output, modelName, modelVersion, modelUuid, servedAtMillis);
  }

  @Override
  public String toString() {
    return String.format(
        "%s scored by '%s' v%s (%s, %s): %s", input, modelName, modelVersion, modelUuid, modelFormat,
        output);
  }
}

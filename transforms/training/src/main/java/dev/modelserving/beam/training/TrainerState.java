package dev.modelserving.beam.training;

import dev.modelserving.beam.training.sgd.Standardizer;
import dev.modelserving.beam.training.sgd.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a trainer keeps for one data type between mini-batches, in Beam state (so checkpoints cover
 * it): the weights and their standardization, the last published version, what was trained on since
 * then, and the recent held-out examples the metrics are taken on.
 */
final class TrainerState {
  /** The version of the last published model (or of the initial model); 0 before any. */
  long version;
  String parentVersion;
  String parentUuid;
  /** Null until the first mini-batch fits it. */
  Standardizer standardizer;
  Weights weights;
  long totalTrained;
  /** Trained on since the last published model: how many, over which event times, in how many steps. */
  long pendingTrained;
  long pendingStartMillis;
  long pendingEndMillis;
  int pendingSteps;
  /** The most recent held-out examples, oldest first. */
  final List<Example> holdout;

  TrainerState(long version, String parentVersion, String parentUuid, Standardizer standardizer, Weights weights,
      long totalTrained, long pendingTrained, long pendingStartMillis, long pendingEndMillis, int pendingSteps,
      List<Example> holdout) {
    this.version = version;
    this.parentVersion = Objects.requireNonNull(parentVersion);
    this.parentUuid = Objects.requireNonNull(parentUuid);
    this.standardizer = standardizer;
    this.weights = Objects.requireNonNull(weights);
    this.totalTrained = totalTrained;
    this.pendingTrained = pendingTrained;
    this.pendingStartMillis = pendingStartMillis;
    this.pendingEndMillis = pendingEndMillis;
    this.pendingSteps = pendingSteps;
    this.holdout = new ArrayList<>(holdout);
  }

  /** The state before the first mini-batch: from the spec's initial model, or from zero. */
  static TrainerState initial(TrainingSpec spec) {
    TrainingSpec.InitialModel from = spec.initialModel();
    if (from == null) {
      return new TrainerState(0, "", "", null, Weights.zero(spec.settings()), 0, 0, 0, 0, 0, List.of());
    }
    return new TrainerState(from.version(), Long.toString(from.version()), from.uuid(),
        from.model().standardizer(), from.model().weights(), 0, 0, 0, 0, 0, List.of());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainerState s && version == s.version && parentVersion.equals(s.parentVersion)
        && parentUuid.equals(s.parentUuid) && Objects.equals(standardizer, s.standardizer)
        && weights.equals(s.weights) && totalTrained == s.totalTrained && pendingTrained == s.pendingTrained
        && pendingStartMillis == s.pendingStartMillis && pendingEndMillis == s.pendingEndMillis
        && pendingSteps == s.pendingSteps && holdout.equals(s.holdout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, parentUuid, weights, totalTrained, pendingTrained);
  }

  @Override
  public String toString() {
    return "TrainerState{version " + version + ", trained " + totalTrained + ", pending " + pendingTrained + " in "
        + pendingSteps + " steps, " + holdout.size() + " held out, " + weights + "}";
  }
}

package dev.modelserving.beam.training;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.proto.Lineage;
import dev.modelserving.beam.model.proto.LineageOrBuilder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.training.pmml.RegressionPmml;
import dev.modelserving.beam.training.sgd.MiniBatchSgd;
import dev.modelserving.beam.training.sgd.Standardizer;
import dev.modelserving.beam.training.sgd.StartingIntercepts;
import dev.modelserving.beam.training.sgd.Weights;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One mini-batch step of one data type's trainer: trains on the batch's training examples, adds its
 * held-out ones to the holdout window, and, when a model is due, exports it as a PMML {@link
 * ModelDescriptor} with its lineage.
 */
final class Trainer {
  private final TrainingSpec spec;
  private final MiniBatchParams params;
  private final RegressionPmml pmml;

  Trainer(TrainingSpec spec, MiniBatchParams params) {
    this.spec = spec;
    this.params = params;
    RegressionPmml writer = RegressionPmml.of(spec.settings(), spec.features(), spec.target())
        .withModelName(spec.modelName());
    this.pmml = spec.classes().isEmpty() ? writer : writer.withClasses(spec.classes());
  }

  /** Applies {@code batch} to {@code state} (changing it); returns the model to publish, if one is due. */
  Optional<ModelDescriptor> step(TrainerState state, List<Example> batch) {
    List<Example> train = new ArrayList<>();
    List<Example> held = new ArrayList<>();
    for (Example e : batch) {
      (e.holdout ? held : train).add(e);
    }
    held.sort(Comparator.comparingLong(e -> e.timestampMillis));
    state.holdout.addAll(held);
    if (state.holdout.size() > params.holdoutWindow()) {
      state.holdout.subList(0, state.holdout.size() - params.holdoutWindow()).clear();
    }
    if (train.isEmpty()) {
      return Optional.empty();
    }
    double[][] x = new double[train.size()][];
    double[] y = new double[train.size()];
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (int i = 0; i < x.length; i++) {
      Example e = train.get(i);
      x[i] = e.features;
      y[i] = e.label;
      start = Math.min(start, e.timestampMillis);
      end = Math.max(end, e.timestampMillis);
    }
    if (state.standardizer == null) {
      state.standardizer = Standardizer.fit(x);
      if (spec.initialModel() == null && state.weights.updates() == 0) {
        state.weights = new Weights(state.weights.coefficients(), StartingIntercepts.fit(spec.settings(), y), 0);
      }
    }
    state.weights = MiniBatchSgd.step(state.weights, spec.settings(), state.standardizer.apply(x), y);
    state.totalTrained += train.size();
    state.pendingStartMillis = state.pendingTrained == 0 ? start : Math.min(state.pendingStartMillis, start);
    state.pendingEndMillis = state.pendingTrained == 0 ? end : Math.max(state.pendingEndMillis, end);
    state.pendingTrained += train.size();
    state.pendingSteps++;
    if (state.pendingSteps < params.publishEvery()) {
      return Optional.empty();
    }
    return Optional.of(publish(state));
  }

  /** The model of the state's weights, as the next version; resets what is pending. */
  private ModelDescriptor publish(TrainerState state) {
    Map<String, Double> metrics = HoldoutMetrics.of(spec.kind(), state.standardizer, state.weights, state.holdout,
        spec.teacher() != null);
    Lineage.Builder lineage = Lineage.newBuilder()
        .setParentVersion(state.parentVersion)
        .setParentUuid(state.parentUuid)
        .setTrainedRecords(state.pendingTrained)
        .setEventTimeStartMillis(state.pendingStartMillis)
        .setEventTimeEndMillis(state.pendingEndMillis)
        .setTotalTrainedRecords(state.totalTrained)
        .setUpdates(state.weights.updates())
        .putAllHoldoutMetrics(metrics)
        .setHoldoutRecords(state.holdout.size())
        .setTrainer(spec.describe());
    if (spec.teacher() != null) {
      lineage.setTeacherName(spec.teacher().name()).setTeacherVersion(spec.teacher().version())
          .setTeacherUuid(spec.teacher().uuid());
    }
    long version = state.version + 1;
    String uuid = UUID.randomUUID().toString();
    String description = describe(version, lineage.build());
    String document = pmml.withStandardizer(state.standardizer).withDescription(description).write(state.weights);
    state.version = version;
    state.parentVersion = Long.toString(version);
    state.parentUuid = uuid;
    state.pendingTrained = 0;
    state.pendingSteps = 0;
    return ModelDescriptor.newBuilder()
        .setName(spec.modelName())
        .setDescription(description)
        .setDataType(spec.dataType())
        .setFormat("pmml")
        .setVersion(Long.toString(version))
        .setUuid(uuid)
        .setCreatedAtMillis(System.currentTimeMillis())
        .setModelBytes(ByteString.copyFrom(document, StandardCharsets.UTF_8))
        .setLineage(lineage)
        .build();
  }

  private String describe(long version, LineageOrBuilder l) {
    return String.format("%s version %d: %s; trained on %d records (event time %d..%d) since %s, %d in all, %d updates;"
            + " holdout %s on %d records", spec.modelName(), version, spec.describe(), l.getTrainedRecords(),
        l.getEventTimeStartMillis(), l.getEventTimeEndMillis(),
        l.getParentVersion().isEmpty() ? "zero" : "version " + l.getParentVersion(), l.getTotalTrainedRecords(),
        l.getUpdates(), l.getHoldoutMetricsMap(), l.getHoldoutRecords());
  }
}

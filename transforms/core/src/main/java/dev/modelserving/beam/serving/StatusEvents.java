package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.serving.cache.ModelCache;
import dev.modelserving.beam.serving.cache.ModelLoad;
import dev.modelserving.beam.serving.policy.CurrentModelPolicy;
import dev.modelserving.beam.serving.policy.Plan;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import dev.modelserving.beam.status.ModelInfo;
import dev.modelserving.beam.status.ModelSetChange;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link ModelSetChange}s the serving steps report to the status stream: the set after a
 * change, each model with its role under the data type's policy and the time its load ended in
 * this JVM.
 */
final class StatusEvents {
  static final String IDLE = "idle";

  private StatusEvents() {}

  /**
   * The change of {@code dataType}'s set to {@code current} (oldest first).
   *
   * @param subject the model the change is about, or null (routing)
   * @param sequence the change's number, or -1 when changes are not numbered
   */
  static ModelSetChange change(ServingConfig<?> config, ModelCache cache, String dataType, ModelSetChange.Kind kind,
      ModelRef subject, List<ModelRef> current, Routing routing, long sequence) {
    ServingPolicy policy = config.policyFor(dataType);
    List<String> names = new ArrayList<>(current.size());
    for (ModelRef ref : current) {
      names.add(ref.name);
    }
    Plan plan = names.isEmpty() ? null : policy.plan(names, routing);
    List<ModelInfo> models = new ArrayList<>(current.size());
    for (ModelRef ref : current) {
      ModelLoad load = cache.get(ref.uuid);
      long loadedAt = load != null && load.isReady() ? load.finishedAtMillis() : 0;
      models.add(new ModelInfo(ref.name, ref.version, ref.uuid, ref.format, role(plan, policy.name(), ref.name),
          loadedAt));
    }
    return new ModelSetChange(dataType, kind, subject == null ? "" : subject.name,
        subject == null ? "" : subject.version, subject == null ? "" : subject.uuid, policy.name(), models,
        System.currentTimeMillis(), sequence);
  }

  /** The role of model {@code name} in a plan: see {@link ModelInfo}. */
  static String role(Plan plan, String policy, String name) {
    if (plan == null) {
      return IDLE;
    }
    if (plan.shadows().contains(name)) {
      return "shadow";
    }
    int i = plan.models().indexOf(name);
    if (i < 0) {
      return IDLE;
    }
    if (plan.kind() == Plan.Kind.ROUTED) {
      return "routed " + share(plan, i) + "%";
    }
    if (name.equals(plan.fastModel())) {
      return "fast";
    }
    if (policy.equals(CurrentModelPolicy.NAME)) {
      return CurrentModelPolicy.NAME;
    }
    return policy.equals("speculative") ? "preferred " + (i + 1) : "consulted";
  }

  /** The share of model {@code i} of a routed plan in percent, e.g. 90 or 33.3. */
  private static String share(Plan plan, int i) {
    double sum = 0;
    for (int m = 0; m < plan.models().size(); m++) {
      sum += plan.weight(m);
    }
    double percent = sum <= 0 ? 0 : 100 * plan.weight(i) / sum;
    return new BigDecimal(percent).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }
}

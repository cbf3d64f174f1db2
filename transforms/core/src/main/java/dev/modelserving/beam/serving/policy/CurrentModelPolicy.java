package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.record.ModelAnswer;
import java.util.List;

/**
 * The default: the data type's newest model (the one added, replaced or rolled back last) scores
 * every record alone; the other models of the set wait, unloaded, for a policy or a rollback that
 * needs them. This is how a single-model pipeline behaves: each new model takes over.
 */
public final class CurrentModelPolicy implements ServingPolicy {
  private static final long serialVersionUID = 1L;
  /** The policy's name, also the decision on every record it scores. */
  public static final String NAME = "current";

  CurrentModelPolicy() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Plan plan(List<String> models, Routing routing) {
    return Plan.all(models.isEmpty() ? List.of() : List.of(models.get(models.size() - 1)), "the newest model");
  }

  @Override
  public Decision decide(List<ModelAnswer> answers) {
    return answers.get(0).answered()
        ? Decision.win(0, NAME, "the newest model of the data type serves alone")
        : ConsultingPolicy.noAnswer(answers);
  }

  @Override
  public String toString() {
    return "current (the newest model serves)";
  }
}

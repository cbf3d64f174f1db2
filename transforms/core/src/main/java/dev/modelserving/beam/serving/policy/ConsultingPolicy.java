package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.record.ModelAnswer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.joda.time.Duration;

/**
 * The policies where every model of the set scores every record, and a rule decides among the
 * answers: {@link SpeculativePolicy}, {@link ConsensusPolicy}, {@link BestConfidencePolicy}. With a
 * budget they call the models concurrently and decide from the answers that arrived in time,
 * always waiting for the fast model.
 */
abstract class ConsultingPolicy implements ServingPolicy {
  private static final long serialVersionUID = 1L;

  /** The models to consult, in preference order; empty: the whole set, newest first. */
  final List<String> models;
  final Duration budget;
  final String fastModel;

  ConsultingPolicy(List<String> models, Duration budget, String fastModel) {
    this.models = Collections.unmodifiableList(new ArrayList<>(models));
    this.budget = budget;
    this.fastModel = fastModel;
    if (budget != null && (budget.getMillis() <= 0)) {
      throw new IllegalArgumentException("a latency budget must be positive, was " + budget);
    }
  }

  @Override
  public Plan plan(List<String> set, Routing routing) {
    List<String> consulted = new ArrayList<>();
    if (models.isEmpty()) {
      for (int i = set.size() - 1; i >= 0; i--) {
        consulted.add(set.get(i));
      }
    } else {
      for (String name : models) {
        if (set.contains(name)) {
          consulted.add(name);
        }
      }
    }
    consulted.remove(fastModel);
    String fast = fastModel != null && set.contains(fastModel) ? fastModel : null;
    if (fast != null) {
      consulted.add(fast); // the guaranteed answer is the last resort of a preference order
    }
    String why = (models.isEmpty() ? "every model of the set" : "models " + consulted)
        + (budget == null ? "" : " within " + budget.getMillis() + " ms"
            + (fast != null ? ", always waiting for '" + fast + "'"
                : fastModel != null ? "; fast model '" + fastModel + "' is not in the set" : ""));
    return budget == null ? Plan.all(consulted, why) : Plan.speculative(consulted, fast, budget, why);
  }

  /** The answers that arrived, as text for a reason: {@code 'a' timed out, 'b' failed}. */
  static String missing(List<ModelAnswer> answers) {
    StringBuilder s = new StringBuilder();
    for (ModelAnswer a : answers) {
      if (!a.answered()) {
        s.append(s.length() == 0 ? "; " : ", ").append('\'').append(a.getModelName()).append("' ")
            .append(a.getStatus().name().toLowerCase().replace('_', ' '));
      }
    }
    return s.toString();
  }

  /** Every failure reason, for a record no model answered. */
  static Decision noAnswer(List<ModelAnswer> answers) {
    StringBuilder s = new StringBuilder("no model answered the record:");
    for (ModelAnswer a : answers) {
      s.append(" '").append(a.getModelName()).append("' ").append(a.getStatus().name().toLowerCase().replace('_', ' '))
          .append(a.getFailure() == null ? "" : " (" + a.getFailure() + ")").append(';');
    }
    return Decision.none(s.substring(0, s.length() - 1));
  }
}

package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.record.ModelAnswer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.joda.time.Duration;

/**
 * Speculative execution with a guaranteed execution time: every model of the set scores the batch
 * at once, on a bounded executor owned by the worker; when the latency budget expires, the most
 * preferred model that answered wins. The fast model is always waited for (it runs on the serving
 * thread itself), so every record gets an answer within the budget whenever the fast model's own
 * time is inside it. Slower models past the budget are reported as timed out, never wait for.
 *
 * <pre>{@code
 * ServeModels.<Wine>create()
 *     ...
 *     .withPolicy(ServingPolicies.speculative(Duration.millis(20), "wine-linear")  // fast, guaranteed
 *         .preferring("wine-forest", "wine-mlp"));                                // best first
 * }</pre>
 *
 * <p>The preference order is {@link #preferring}'s, else the set's newest model first; the fast
 * model always comes last. A model still busy with an earlier batch that missed its budget is
 * skipped (reported as such) instead of queueing more work behind it.
 */
public final class SpeculativePolicy extends ConsultingPolicy {
  private static final long serialVersionUID = 1L;

  SpeculativePolicy(List<String> models, Duration budget, String fastModel) {
    super(models, Objects.requireNonNull(budget, "budget"), Objects.requireNonNull(fastModel, "fastModel"));
  }

  /** A copy that consults only these models, preferring them in this order (the fast model is added last). */
  public SpeculativePolicy preferring(String... models) {
    return new SpeculativePolicy(Arrays.asList(models), budget, fastModel);
  }

  @Override
  public String name() {
    return "speculative";
  }

  @Override
  public Decision decide(List<ModelAnswer> answers) {
    for (int i = 0; i < answers.size(); i++) {
      ModelAnswer a = answers.get(i);
      if (a.answered()) {
        boolean fast = a.getModelName().equals(fastModel);
        return Decision.win(i, fast ? "fast" : "preferred",
            (fast ? "the fast model '" + a.getModelName() + "' answers when no preferred model did"
                : "'" + a.getModelName() + "' is the most preferred model that answered within "
                    + budget.getMillis() + " ms") + missing(answers));
      }
    }
    return noAnswer(answers);
  }

  @Override
  public String toString() {
    return "speculative within " + budget.getMillis() + " ms, fast model '" + fastModel + "'"
        + (models.isEmpty() ? "" : ", preferring " + models);
  }
}

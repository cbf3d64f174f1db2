package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.record.ModelAnswer;
import java.util.Arrays;
import java.util.List;
import org.joda.time.Duration;

/**
 * Best confidence: every model of the set scores every record, and the answer with the highest
 * {@link Confidence} wins (a tie goes to the model consulted first). Answers without a confidence
 * rank below any with one. When the winner's confidence is below the threshold, or no answer has
 * one, the record goes to the review output instead of the scored one, with the same trace.
 *
 * <pre>{@code
 * ServeModels.Result<Wine> served = wines.apply(ServeModels.<Wine>create()
 *     ...
 *     .withPolicy(ServingPolicies.bestConfidence(0.7)));
 * served.getReview();  // the records no model was at least 70% sure of
 * }</pre>
 */
public final class BestConfidencePolicy extends ConsultingPolicy {
  private static final long serialVersionUID = 1L;

  private final double minConfidence;

  BestConfidencePolicy(List<String> models, Duration budget, String fastModel, double minConfidence) {
    super(models, budget, fastModel);
    if (!(minConfidence >= 0 && minConfidence <= 1)) {
      throw new IllegalArgumentException("the minimum confidence must be in [0, 1], was " + minConfidence);
    }
    this.minConfidence = minConfidence;
  }

  /** A copy where only the answers within {@code budget} compete, always waiting for {@code fastModel}. */
  public BestConfidencePolicy withBudget(Duration budget, String fastModel) {
    return new BestConfidencePolicy(models, budget, fastModel, minConfidence);
  }

  /** A copy that consults only these models, in this order (which also breaks ties). */
  public BestConfidencePolicy among(String... models) {
    return new BestConfidencePolicy(Arrays.asList(models), budget, fastModel, minConfidence);
  }

  public double minConfidence() {
    return minConfidence;
  }

  @Override
  public String name() {
    return "best-confidence";
  }

  @Override
  public Decision decide(List<ModelAnswer> answers) {
    int best = -1;
    Double bestConfidence = null;
    for (int i = 0; i < answers.size(); i++) {
      ModelAnswer a = answers.get(i);
      if (!a.answered()) {
        continue;
      }
      Double c = Confidence.of(a.getOutput());
      if (best < 0 || (c != null && (bestConfidence == null || c > bestConfidence))) {
        best = i;
        bestConfidence = c;
      }
    }
    if (best < 0) {
      return noAnswer(answers);
    }
    String name = answers.get(best).getModelName();
    if (bestConfidence == null) {
      return minConfidence > 0
          ? Decision.review(best, "no-confidence", "no model reported a confidence" + missing(answers))
          : Decision.win(best, "first-answer", "no model reported a confidence; '" + name + "' was consulted first"
              + missing(answers));
    }
    String reason = "'" + name + "' is the most confident, " + String.format("%.3f", bestConfidence) + missing(answers);
    return bestConfidence < minConfidence
        ? Decision.review(best, "below-threshold", reason + ", below the minimum " + minConfidence)
        : Decision.win(best, "highest-confidence", reason);
  }

  @Override
  public String toString() {
    return "best confidence (at least " + minConfidence + ", else review)"
        + (budget == null ? "" : " within " + budget.getMillis() + " ms, fast model '" + fastModel + "'")
        + (models.isEmpty() ? "" : " among " + models);
  }
}

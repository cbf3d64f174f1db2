package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.record.ModelAnswer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.joda.time.Duration;

/**
 * Consensus: every model of the set scores every record and the models vote.
 *
 * <ul>
 *   <li>Classification (answers with labels): the label with the most votes wins. A tie is broken
 *       by the higher sum of the tied labels' confidences ({@link Confidence}), then by the label of
 *       the model consulted first (the newest, or the first of {@link #among}). The rule is {@code
 *       majority} (more than half the answers), {@code plurality} or {@code tie-break}. The record
 *       carries the answer of the first model that voted for the winning label.
 *   <li>Regression (numeric values): the {@linkplain #median() median} (default; the mean of the
 *       middle two for an even count) or the {@linkplain #mean() mean}. The record carries that
 *       value, with the identity of the model whose value is closest to it.
 * </ul>
 *
 * <pre>{@code
 * .withPolicy(ServingPolicies.consensus())                                          // vote, no deadline
 * .withPolicy(ServingPolicies.consensus().withBudget(Duration.millis(20), "wine-linear")) // in-time votes only
 * }</pre>
 *
 * <p>With a budget only the answers that arrived in time vote; the fast model always does.
 */
public final class ConsensusPolicy extends ConsultingPolicy {
  private static final long serialVersionUID = 1L;

  private final boolean mean;

  ConsensusPolicy(List<String> models, Duration budget, String fastModel, boolean mean) {
    super(models, budget, fastModel);
    this.mean = mean;
  }

  /** A copy where only the answers within {@code budget} vote, always waiting for {@code fastModel}. */
  public ConsensusPolicy withBudget(Duration budget, String fastModel) {
    return new ConsensusPolicy(models, budget, fastModel, mean);
  }

  /** A copy that consults only these models, in this order (which also breaks the last ties). */
  public ConsensusPolicy among(String... models) {
    return new ConsensusPolicy(Arrays.asList(models), budget, fastModel, mean);
  }

  /** A copy where regression answers combine to their median (the default). */
  public ConsensusPolicy median() {
    return new ConsensusPolicy(models, budget, fastModel, false);
  }

  /** A copy where regression answers combine to their mean. */
  public ConsensusPolicy mean() {
    return new ConsensusPolicy(models, budget, fastModel, true);
  }

  @Override
  public String name() {
    return "consensus";
  }

  @Override
  public Decision decide(List<ModelAnswer> answers) {
    List<Integer> voters = new ArrayList<>();
    boolean labels = true;
    for (int i = 0; i < answers.size(); i++) {
      if (answers.get(i).answered()) {
        voters.add(i);
        labels &= answers.get(i).getOutput().getLabel() != null;
      }
    }
    if (voters.isEmpty()) {
      return noAnswer(answers);
    }
    return labels ? vote(answers, voters) : combine(answers, voters);
  }

  private Decision vote(List<ModelAnswer> answers, List<Integer> voters) {
    Map<String, int[]> votes = new LinkedHashMap<>();
    Map<String, double[]> confidence = new LinkedHashMap<>();
    for (int i : voters) {
      ModelOutput out = answers.get(i).getOutput();
      votes.computeIfAbsent(out.getLabel(), l -> new int[1])[0]++;
      Double c = Confidence.of(out);
      confidence.computeIfAbsent(out.getLabel(), l -> new double[1])[0] += c == null ? 0 : c;
    }
    int most = 0;
    for (int[] v : votes.values()) {
      most = Math.max(most, v[0]);
    }
    List<String> tied = new ArrayList<>();
    for (Map.Entry<String, int[]> e : votes.entrySet()) {
      if (e.getValue()[0] == most) {
        tied.add(e.getKey());
      }
    }
    String label = tied.get(0); // in the order the models were consulted
    String rule = most * 2 > voters.size() ? "majority" : "plurality";
    if (tied.size() > 1) {
      rule = "tie-break";
      for (String l : tied) {
        if (confidence.get(l)[0] > confidence.get(label)[0]) {
          label = l;
        }
      }
    }
    int winner = -1;
    for (int i : voters) {
      if (answers.get(i).getOutput().getLabel().equals(label)) {
        winner = i;
        break;
      }
    }
    String reason = "'" + label + "' has " + most + " of " + voters.size() + " votes"
        + (tied.size() > 1 ? ", tied with " + tied + "; the higher summed confidence (then the first consulted model) wins" : "")
        + missing(answers);
    return Decision.win(winner, rule, reason);
  }

  private Decision combine(List<ModelAnswer> answers, List<Integer> voters) {
    double[] values = new double[voters.size()];
    for (int k = 0; k < voters.size(); k++) {
      Double v = answers.get(voters.get(k)).getOutput().getValue();
      if (v == null) {
        return Decision.none("consensus needs every answer to have a label or every answer a value; '"
            + answers.get(voters.get(k)).getModelName() + "' gave neither");
      }
      values[k] = v;
    }
    double combined = mean ? mean(values) : median(values);
    int closest = voters.get(0);
    for (int i : voters) {
      if (Math.abs(answers.get(i).getOutput().getValue() - combined)
          < Math.abs(answers.get(closest).getOutput().getValue() - combined)) {
        closest = i;
      }
    }
    return Decision.combined(closest, ModelOutput.value(combined), mean ? "mean" : "median",
        (mean ? "mean" : "median") + " of " + voters.size() + " values " + Arrays.toString(values) + missing(answers));
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  @Override
  public String toString() {
    return "consensus (" + (mean ? "mean" : "median") + " for regression)"
        + (budget == null ? "" : " within " + budget.getMillis() + " ms, fast model '" + fastModel + "'")
        + (models.isEmpty() ? "" : " among " + models);
  }
}

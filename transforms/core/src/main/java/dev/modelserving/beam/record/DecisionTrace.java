package dev.modelserving.beam.record;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Why a record got its result: the serving policy, every model it consulted with its answer and
 * latency, and the model that won with the reason it won.
 */
public final class DecisionTrace implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String policy;
  private final List<ModelAnswer> answers;
  private final String winner;
  private final String reason;

  /**
   * @param winner the name of the model whose answer is the result, or null if none is
   * @param reason why it won (or why none did), in words
   */
  public DecisionTrace(String policy, List<ModelAnswer> answers, String winner, String reason) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.answers = Collections.unmodifiableList(answers);
    this.winner = winner;
    this.reason = reason;
  }

  /** The policy's name: {@code latest}, {@code speculative}, {@code consensus}, {@code best-confidence}, {@code routed}. */
  public String getPolicy() {
    return policy;
  }

  /** Every consulted model's answer, in the order the policy consulted them. */
  public List<ModelAnswer> getAnswers() {
    return answers;
  }

  /** The answer of model {@code name}, or null if it was not consulted. */
  public ModelAnswer answerOf(String name) {
    for (ModelAnswer a : answers) {
      if (a.getModelName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  public String getWinner() {
    return winner;
  }

  public String getReason() {
    return reason;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DecisionTrace)) {
      return false;
    }
    DecisionTrace t = (DecisionTrace) o;
    return policy.equals(t.policy) && answers.equals(t.answers) && Objects.equals(winner, t.winner)
        && Objects.equals(reason, t.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(policy, answers, winner, reason);
  }

  @Override
  public String toString() {
    return policy + ": " + (winner == null ? "no winner" : "'" + winner + "' won") + " (" + reason + ") of " + answers;
  }
}

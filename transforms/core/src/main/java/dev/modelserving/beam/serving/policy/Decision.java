package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.model.ModelOutput;

/**
 * A policy's decision for one record: which answer is the result (by its index among the answers),
 * the rule that chose it (short, e.g. {@code majority}) and the reason in words. A decision may send
 * the record to review instead of the scored output, or have no winner (no model answered).
 */
public final class Decision {
  private final int winner;
  private final String rule;
  private final String reason;
  private final boolean review;
  private final ModelOutput combined;

  private Decision(int winner, String rule, String reason, boolean review, ModelOutput combined) {
    this.winner = winner;
    this.rule = rule;
    this.reason = reason;
    this.review = review;
    this.combined = combined;
  }

  /** Answer {@code index} is the result. */
  public static Decision win(int index, String rule, String reason) {
    return new Decision(index, rule, reason, false, null);
  }

  /**
   * The result is {@code output}, computed from several answers (a median, a mean); answer {@code
   * index} (e.g. the closest) names the model on the record.
   */
  public static Decision combined(int index, ModelOutput output, String rule, String reason) {
    return new Decision(index, rule, reason, false, output);
  }

  /** Answer {@code index} is the best there is, but the record goes to review (e.g. low confidence). */
  public static Decision review(int index, String rule, String reason) {
    return new Decision(index, rule, reason, true, null);
  }

  /** No answer can be the result: every model refused the record. */
  public static Decision none(String reason) {
    return new Decision(-1, "none", reason, false, null);
  }

  /** The index of the winning answer, or -1. */
  public int winner() {
    return winner;
  }

  public boolean hasWinner() {
    return winner >= 0;
  }

  public String rule() {
    return rule;
  }

  public String reason() {
    return reason;
  }

  /** The computed result, or null when the winner's own answer is the result. */
  public ModelOutput combined() {
    return combined;
  }

  public boolean toReview() {
    return review;
  }

  @Override
  public String toString() {
    return (winner < 0 ? "none" : "#" + winner) + " by " + rule + (review ? " (review)" : "") + ": " + reason;
  }
}

package dev.modelserving.beam.benchmarks.report;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-record latency of {@code ServeModels} under one serving policy at a steady rate: of the
 * records due in a measurement window, how many went in and came out, their end-to-end latency
 * (out − due at the source), the time from their batch's start of serving to the output, and which
 * decision and which model answered them.
 *
 * @param variant the policy and its models, e.g. "speculative 20 ms: wine-slow preferred, wine-tree fast"
 * @param policy the policy's name: {@code current}, {@code speculative}
 * @param models the models of the set, e.g. "wine-tree + wine-slow"
 * @param setup mode and parallelism in words, e.g. "keyed p=2"
 * @param parallelism Flink parallelism
 * @param offeredRate records a second asked of the paced source
 * @param achievedRate records due in the window that came out, per second of the window
 * @param inputs records due in the window that reached ServeModels
 * @param answered of those, records that came out scored or for review
 * @param failures dead letters and unserved records over the whole run (must be 0)
 * @param endToEnd percentiles of out − due, ms
 * @param step percentiles of out − the batch's start of serving, ms (whole-millisecond clock)
 * @param budgetMillis the policy's latency budget, NaN when it has none
 * @param decisions records by decision ({@code speculative/preferred}, {@code speculative/fast}, {@code latest})
 * @param outcomes records by consulted model and status in the trace ({@code wine-slow timed out})
 * @param notes how it was measured, in a few words
 */
public record PolicyLatencyResult(
    String variant,
    String policy,
    String models,
    String setup,
    int parallelism,
    double offeredRate,
    double achievedRate,
    long inputs,
    long answered,
    long failures,
    LatencySummary endToEnd,
    LatencySummary step,
    double budgetMillis,
    Map<String, Long> decisions,
    Map<String, Long> outcomes,
    String notes) {

  public PolicyLatencyResult {
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(policy, "policy");
    decisions = java.util.Collections.unmodifiableMap(new TreeMap<>(decisions));
    outcomes = java.util.Collections.unmodifiableMap(new TreeMap<>(outcomes));
    notes = notes == null ? "" : notes;
  }

  /** This result with {@code note} added to its notes. */
  public PolicyLatencyResult withNote(String note) {
    return new PolicyLatencyResult(variant, policy, models, setup, parallelism, offeredRate, achievedRate, inputs,
        answered, failures, endToEnd, step, budgetMillis, decisions, outcomes,
        notes.isEmpty() ? note : notes + "; " + note);
  }

  /** Answered records as a percentage of the records that went in (NaN when none went in). */
  public double answeredPercent() {
    return inputs == 0 ? Double.NaN : 100.0 * answered / inputs;
  }

  /** Whether every record that went in came out answered, and nothing failed. */
  public boolean allAnswered() {
    return inputs > 0 && answered == inputs && failures == 0;
  }

  /** The decisions as shares of the answered records: "speculative/preferred 88.1%, speculative/fast 11.9%". */
  public String decisionShares() {
    return shares(decisions, answered);
  }

  /** The consulted models' outcomes as shares of the answered records. */
  public String outcomeShares() {
    return shares(outcomes, answered);
  }

  /** Counts as "key=count;key=count" for the CSV. */
  static String counts(Map<String, Long> counts) {
    StringBuilder s = new StringBuilder();
    counts.forEach((k, v) -> s.append(s.length() == 0 ? "" : ";").append(k).append('=').append(v));
    return s.toString();
  }

  /** Counts as percentages of {@code total}, largest first: "a 90.0%, b 10.0%". */
  static String shares(Map<String, Long> counts, long total) {
    if (total <= 0 || counts.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    counts.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
            .append(percent(100.0 * e.getValue() / total)));
    return s.toString();
  }

  /** A percentage with enough digits to tell 100% from 99.99%: "100%", "99.98%", "12.3%". */
  static String percent(double p) {
    if (Double.isNaN(p)) {
      return "n/a";
    }
    if (p == 100) {
      return "100%";
    }
    if (p > 99.9 && p < 100) {
      // never round a share short of all up to "100%"
      return java.math.BigDecimal.valueOf(p).setScale(4, java.math.RoundingMode.DOWN)
          .stripTrailingZeros().toPlainString() + "%";
    }
    if (p < 0.1) {
      return String.format(Locale.ROOT, "%.3g%%", p);
    }
    return String.format(Locale.ROOT, "%.1f%%", p);
  }
}

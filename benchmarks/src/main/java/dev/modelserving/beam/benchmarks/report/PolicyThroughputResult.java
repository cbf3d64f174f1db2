package dev.modelserving.beam.benchmarks.report;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Throughput of {@code ServeModels} under one serving policy, next to the single-model baseline of
 * the same run (the same records, the same model, {@code current()}).
 *
 * @param variant the policy in words, e.g. "consensus of 3"
 * @param policy the policy's name: {@code current}, {@code speculative}, {@code consensus}, ...
 * @param model the benchmark model the set is made of copies of, e.g. "tree"
 * @param models the models of the set, e.g. "wine-tree-a + wine-tree-b"
 * @param setup mode and parallelism in words, e.g. "keyed p=2"
 * @param parallelism Flink parallelism
 * @param recordsPerSecond marginal records a second (median times of the repeats)
 * @param low the lowest marginal throughput of a single pair of runs
 * @param high the highest
 * @param baseline whether this is the single-model baseline the others are divided by
 * @param ratioToBaseline {@code recordsPerSecond} over the baseline's
 * @param scoringsPerRecord model answers per record, counted by the library's per-model counters
 * @param expectedScorings model answers per record the policy asks for (N for N consulted models)
 * @param reviewPercent records sent to review instead of scored, % (best confidence)
 * @param answeredPercent records answered (scored or review) over all the timed runs, % (100 unless some
 *     were dead-lettered or unserved)
 * @param won records whose answer came from each model (the library's {@code won} counters)
 * @param notes sizes and repeats
 */
public record PolicyThroughputResult(
    String variant,
    String policy,
    String model,
    String models,
    String setup,
    int parallelism,
    double recordsPerSecond,
    double low,
    double high,
    boolean baseline,
    double ratioToBaseline,
    double scoringsPerRecord,
    double expectedScorings,
    double reviewPercent,
    double answeredPercent,
    Map<String, Long> won,
    String notes) {

  public PolicyThroughputResult {
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(model, "model");
    won = java.util.Collections.unmodifiableMap(new TreeMap<>(won));
    notes = notes == null ? "" : notes;
  }

  /** This result divided by a baseline's records a second. */
  public PolicyThroughputResult withBaseline(PolicyThroughputResult base) {
    double ratio = base.recordsPerSecond() > 0 ? recordsPerSecond / base.recordsPerSecond() : Double.NaN;
    return new PolicyThroughputResult(variant, policy, model, models, setup, parallelism, recordsPerSecond, low, high,
        baseline, ratio, scoringsPerRecord, expectedScorings,
        reviewPercent, answeredPercent, won, notes);
  }

  /** Which model answered how many of the records: "wine-tree-b 100%". */
  public String wonShares() {
    long total = won.values().stream().mapToLong(Long::longValue).sum();
    return PolicyLatencyResult.shares(won, total);
  }
}

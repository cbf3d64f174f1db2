package dev.modelserving.beam.benchmarks.report;

import java.util.List;

/**
 * Everything the policies suite found, rendered as the report's "Serving policies" section: how it
 * measured, the speculative-execution latency rows with their baselines, the throughput rows with
 * their single-model baseline, its target, and its timed runs.
 */
public record PolicyResults(
    List<String> settings,
    List<PolicyLatencyResult> latencies,
    List<PolicyThroughputResult> throughputs,
    List<Measurement> runs,
    List<TargetStatus> targets) {

  public PolicyResults {
    settings = List.copyOf(settings);
    latencies = List.copyOf(latencies);
    throughputs = List.copyOf(throughputs);
    runs = List.copyOf(runs);
    targets = List.copyOf(targets);
  }

  /** No policy figures: the suite did not run. */
  public static PolicyResults none() {
    return new PolicyResults(List.of(), List.of(), List.of(), List.of(), List.of());
  }

  /** Whether the suite ran. */
  public boolean isEmpty() {
    return settings.isEmpty() && latencies.isEmpty() && throughputs.isEmpty() && runs.isEmpty();
  }

  /** The same figures with these targets. */
  public PolicyResults withTargets(List<TargetStatus> judged) {
    return new PolicyResults(settings, latencies, throughputs, runs, judged);
  }
}

package dev.modelserving.beam.benchmarks;

import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import java.util.List;

/**
 * The options of the policies suite.
 *
 * @param rates the steady rates (records a second) of the speculative latency points
 * @param budgetMillis the speculative policy's latency budget
 * @param slowLatency the latency distribution of the slow model's batch calls, e.g. {@code 2ms:90,40ms:10}
 * @param seed the seed of the slow model's latencies
 * @param models the benchmark models whose copies make up the sets of the throughput runs
 */
public record PolicyOptions(List<Double> rates, long budgetMillis, String slowLatency, long seed,
    List<BenchmarkModel> models) {

  /** The default budget: 20 ms. */
  public static final long DEFAULT_BUDGET_MILLIS = 20;
  /** The default slow model: 90% of calls take 2 ms, 10% take 40 ms (twice the budget). */
  public static final String DEFAULT_SLOW_LATENCY = "2ms:90,40ms:10";

  public PolicyOptions {
    rates = List.copyOf(rates);
    models = List.copyOf(models);
    if (rates.isEmpty() || models.isEmpty()) {
      throw new IllegalArgumentException("the policies suite needs at least one rate and one model");
    }
    if (budgetMillis < 1) {
      throw new IllegalArgumentException("--policy-budget must be at least 1 ms, was " + budgetMillis);
    }
  }

  /**
   * The defaults: rates 5,000 and 50,000 records/s (quick: 5,000), a 20 ms budget, the slow model
   * 90% 2 ms and 10% 40 ms with seed 7, throughput on copies of the tree and of the forest (quick:
   * the tree).
   */
  public static PolicyOptions defaults(boolean quick) {
    return new PolicyOptions(quick ? List.of(5_000.0) : List.of(5_000.0, 50_000.0), DEFAULT_BUDGET_MILLIS,
        DEFAULT_SLOW_LATENCY, 7,
        quick ? List.of(BenchmarkModel.TREE) : List.of(BenchmarkModel.TREE, BenchmarkModel.FOREST));
  }
}

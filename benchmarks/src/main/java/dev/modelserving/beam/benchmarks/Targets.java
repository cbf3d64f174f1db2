package dev.modelserving.beam.benchmarks;

import dev.modelserving.beam.benchmarks.kafka.KafkaEndToEndSuite;
import dev.modelserving.beam.benchmarks.latency.InProcessLatencySuite;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.LatencyResult;
import dev.modelserving.beam.benchmarks.report.PolicyLatencyResult;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.benchmarks.report.TargetStatus;
import dev.modelserving.beam.benchmarks.serve.BundleSettings;
import dev.modelserving.beam.benchmarks.swap.ModelSwapSuite;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Judges the targets on a run's figures (with their ratios): each is met only if every
 * figure it covers meets it (every mode, and every parallelism where it says "at the same
 * parallelism"), and not measured when the run has none of its figures.
 */
public final class Targets {
  /** The end-to-end sustainable rate the issue asks for on the 2-core machine. */
  public static final double E2E_RATE = 60_000;
  /** The end-to-end p99 bound at 50% load, ms. */
  public static final double E2E_P99_MILLIS = 50;
  /** The in-process p99 bound at 50% load: the maximum batch wait plus 10 ms. */
  public static final double IN_PROCESS_P99_MILLIS = BundleSettings.MAX_BATCH_WAIT_MILLIS + 10;
  /** The swap p99 bound for a fast-loading model, ms. */
  public static final double SWAP_P99_MILLIS = 100;
  /** "No latency spike": record p99 during slow swaps at most this many times the p99 without. */
  public static final double SPIKE_FACTOR = 1.5;
  /** Speculative execution: per-record p99.9 at most the latency budget plus this many ms. */
  public static final double SPECULATIVE_SLACK_MILLIS = 2;

  private Targets() {}

  /** Where each target stands. */
  public static List<TargetStatus> evaluate(List<BenchmarkResult> results, List<LatencyResult> latencies) {
    List<TargetStatus> out = new ArrayList<>();
    out.add(treeVersusNative(results));
    out.add(treeVersusRaw(results));
    out.add(mlpVersusBatch256(results));
    out.add(e2eRate(results));
    out.add(e2eP99(latencies));
    out.add(e2eTrickle(latencies));
    out.add(inProcessP99(latencies));
    out.add(swapFast(latencies));
    out.add(swapSlow(latencies));
    return out;
  }

  /** Where each target stands, the serving-policy target included. */
  public static List<TargetStatus> evaluate(List<BenchmarkResult> results, List<LatencyResult> latencies,
      List<PolicyLatencyResult> policyLatencies) {
    List<TargetStatus> out = evaluate(results, latencies);
    out.addAll(speculative(policyLatencies));
    return out;
  }

  /** The speculative targets: the policy's own time, then end to end. */
  public static List<TargetStatus> speculative(List<PolicyLatencyResult> rows) {
    return List.of(speculativeStep(rows), speculativeBudget(rows));
  }

  /**
   * The policy keeps its budget: every speculative row has every record answered and a serving-step
   * p99.9 (the batch's start of serving to its decision, whole milliseconds) of at most the budget
   * plus {@value #SPECULATIVE_SLACK_MILLIS} ms; with fewer than 1,000 records the maximum stands in.
   */
  public static TargetStatus speculativeStep(List<PolicyLatencyResult> rows) {
    String target = String.format(Locale.ROOT,
        "Speculative policy, its own time (serving step): p99.9 <= latency budget + %.0f ms, with 100%% of records answered",
        SPECULATIVE_SLACK_MILLIS);
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (PolicyLatencyResult r : rows) {
      if (!r.policy().equals("speculative") || Double.isNaN(r.budgetMillis())) {
        continue;
      }
      boolean fewSamples = Double.isNaN(r.step().p999());
      double tail = fewSamples ? r.step().max() : r.step().p999();
      figures.add(String.format(Locale.ROOT, "%s at %,.0f/s: serving step p99.9 %.0f ms%s against %.0f + %.0f ms, %s answered",
          r.setup(), r.offeredRate(), tail, fewSamples ? " (max: under 1,000 records)" : "", r.budgetMillis(),
          SPECULATIVE_SLACK_MILLIS, percent(r)));
      met &= r.allAnswered() && tail <= r.budgetMillis() + SPECULATIVE_SLACK_MILLIS;
    }
    return judged(target, figures, met, "needs the policies suite");
  }

  /**
   * Speculative execution keeps its budget: every speculative row has every record answered and a
   * per-record p99.9 (end to end, due at the source to out of ServeModels) of at most the budget
   * plus {@value #SPECULATIVE_SLACK_MILLIS} ms; with fewer than 1,000 records the maximum stands in
   * for the p99.9.
   */
  public static TargetStatus speculativeBudget(List<PolicyLatencyResult> rows) {
    String target = String.format(Locale.ROOT,
        "Speculative policy, end to end (due at the source to out of ServeModels): p99.9 <= latency budget + %.0f ms,"
            + " with 100%% of records answered",
        SPECULATIVE_SLACK_MILLIS);
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (PolicyLatencyResult r : rows) {
      if (!r.policy().equals("speculative") || Double.isNaN(r.budgetMillis())) {
        continue;
      }
      boolean fewSamples = Double.isNaN(r.endToEnd().p999());
      double tail = fewSamples ? r.endToEnd().max() : r.endToEnd().p999();
      Optional<PolicyLatencyResult> alone = rows.stream()
          .filter(b -> b.policy().equals("current") && b.offeredRate() == r.offeredRate() && b.setup().equals(r.setup())
              && b.variant().contains("baseline"))
          .findFirst();
      figures.add(String.format(Locale.ROOT,
          "%s at %,.0f/s: p99.9 %.1f ms%s against %.0f + %.0f ms, %s answered (serving step p99.9 %.0f ms%s)",
          r.setup(), r.offeredRate(), tail, fewSamples ? " (max: under 1,000 records)" : "", r.budgetMillis(),
          SPECULATIVE_SLACK_MILLIS, percent(r), Double.isNaN(r.step().p999()) ? r.step().max() : r.step().p999(),
          alone.map(b -> String.format(Locale.ROOT, "; the fast model alone: p99.9 %.1f ms", b.endToEnd().p999()))
              .orElse("")));
      met &= r.allAnswered() && tail <= r.budgetMillis() + SPECULATIVE_SLACK_MILLIS;
    }
    return judged(target, figures, met, "needs the policies suite");
  }

  private static String percent(PolicyLatencyResult r) {
    return r.answered() == r.inputs() ? "100%"
        : String.format(Locale.ROOT, "%,d of %,d (%.3f%%)", r.answered(), r.inputs(), r.answeredPercent());
  }

  /** ServeModels rows with the app's bundle settings. */
  private static Predicate<BenchmarkResult> serve(String model) {
    return r -> r.suite().equals(Suites.SERVE) && r.model().equals(model)
        && !r.variant().contains(BundleSettings.FLINK_DEFAULT.label());
  }

  static TargetStatus treeVersusNative(List<BenchmarkResult> results) {
    return ratioTarget("PMML tree: ServeModels >= 1.0× native Flink at the same parallelism", results,
        serve("tree"), BenchmarkResult::ratioToNative, 1.0,
        r -> String.format(Locale.ROOT, "%s p=%d: %.2f×", mode(r.variant()), r.parallelism(), r.ratioToNative()),
        "needs the serve and native-flink suites on the tree");
  }

  static TargetStatus treeVersusRaw(List<BenchmarkResult> results) {
    return ratioTarget(
        "PMML tree: ServeModels >= 50% of the raw evaluator's 2-core rate (prepare + evaluate, 2 threads)", results,
        serve("tree").and(r -> r.parallelism() == 2), BenchmarkResult::ratioToRaw, 0.5,
        r -> String.format(Locale.ROOT, "%s p=2: %.0f%%", mode(r.variant()), 100 * r.ratioToRaw()),
        "needs the serve and raw suites on the tree at parallelism 2");
  }

  /** A target met when every row {@code rows} picks has a {@code ratio} of at least {@code threshold}. */
  private static TargetStatus ratioTarget(String target, List<BenchmarkResult> results,
      Predicate<BenchmarkResult> rows, ToDoubleFunction<BenchmarkResult> ratio, double threshold,
      Function<BenchmarkResult, String> figure, String missing) {
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (BenchmarkResult r : results) {
      if (rows.test(r) && !Double.isNaN(ratio.applyAsDouble(r))) {
        figures.add(figure.apply(r));
        met &= ratio.applyAsDouble(r) >= threshold;
      }
    }
    return judged(target, figures, met, missing);
  }

  static TargetStatus mlpVersusBatch256(List<BenchmarkResult> results) {
    String target = "TF MLP: ServeModels >= 50% of raw batch-256 throughput (same threads as parallelism)";
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (BenchmarkResult r : results) {
      if (!serve("mlp").test(r) || Double.isNaN(r.recordsPerSecond())) {
        continue;
      }
      Optional<BenchmarkResult> batch = results.stream()
          .filter(b -> b.suite().equals(Suites.RAW) && b.model().equals("mlp") && b.parallelism() == r.parallelism()
              && b.variant().endsWith("batch 256"))
          .findFirst();
      if (batch.isPresent() && batch.get().recordsPerSecond() > 0) {
        double ratio = r.recordsPerSecond() / batch.get().recordsPerSecond();
        figures.add(String.format(Locale.ROOT, "%s p=%d: %.0f%%", mode(r.variant()), r.parallelism(), 100 * ratio));
        met &= ratio >= 0.5;
      }
    }
    return judged(target, figures, met, "needs the serve suite and raw TensorFlow at batch 256 on the mlp");
  }

  static TargetStatus e2eRate(List<BenchmarkResult> results) {
    String target = String.format(Locale.ROOT, "End to end through Kafka: sustainable rate >= %,.0f records/s", E2E_RATE);
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (BenchmarkResult r : results) {
      if (r.suite().equals(Suites.KAFKA) && r.variant().endsWith(KafkaEndToEndSuite.SUSTAINABLE)) {
        double v = Double.isNaN(r.recordsPerSecond()) ? 0 : r.recordsPerSecond();
        figures.add(String.format(Locale.ROOT, "%s: %,.0f/s", mode(r.variant()), v));
        met &= v >= E2E_RATE;
      }
    }
    return judged(target, figures, met, "needs the kafka-e2e suite without --kafka-rate");
  }

  static TargetStatus e2eP99(List<LatencyResult> latencies) {
    String target = String.format(Locale.ROOT, "End to end: p99 < %.0f ms at 50%% of the sustainable rate", E2E_P99_MILLIS);
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (LatencyResult l : latencies) {
      if (l.suite().equals(Suites.KAFKA) && l.variant().endsWith(KafkaEndToEndSuite.loadLabel(0.5))) {
        figures.add(String.format(Locale.ROOT, "%s: p99 %.1f ms", mode(l.variant()), l.p99()));
        met &= l.p99() < E2E_P99_MILLIS;
      }
    }
    return judged(target, figures, met, "needs the kafka-e2e suite");
  }

  static TargetStatus e2eTrickle(List<LatencyResult> latencies) {
    String target = String.format(Locale.ROOT,
        "End to end: no worse at a trickle (%,.0f records/s) than at 50%% load (p99)", KafkaEndToEndSuite.TRICKLE);
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (LatencyResult trickle : latencies) {
      if (!trickle.suite().equals(Suites.KAFKA) || !trickle.variant().endsWith(KafkaEndToEndSuite.TRICKLE_LABEL)) {
        continue;
      }
      String prefix = trickle.variant().substring(0, trickle.variant().length() - KafkaEndToEndSuite.TRICKLE_LABEL.length());
      Optional<LatencyResult> half = latencies.stream()
          .filter(l -> l.suite().equals(Suites.KAFKA) && l.variant().equals(prefix + KafkaEndToEndSuite.loadLabel(0.5)))
          .findFirst();
      if (half.isPresent()) {
        figures.add(String.format(Locale.ROOT, "%s: p99 %.1f ms at a trickle, %.1f ms at 50%%",
            mode(trickle.variant()), trickle.p99(), half.get().p99()));
        met &= trickle.p99() <= half.get().p99();
      }
    }
    return judged(target, figures, met, "needs the kafka-e2e suite");
  }

  static TargetStatus inProcessP99(List<LatencyResult> latencies) {
    String target = String.format(Locale.ROOT,
        "In process: per-record p99 <= max batch wait + 10 ms (%.0f ms) at 50%% load", IN_PROCESS_P99_MILLIS);
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (LatencyResult l : latencies) {
      if (l.suite().equals(Suites.LATENCY) && l.variant().endsWith(InProcessLatencySuite.loadLabel(0.5))) {
        figures.add(String.format(Locale.ROOT, "%s %s: %.1f ms", l.model(), mode(l.variant()), l.p99()));
        met &= l.p99() <= IN_PROCESS_P99_MILLIS;
      }
    }
    return judged(target, figures, met, "needs the latency suite");
  }

  static TargetStatus swapFast(List<LatencyResult> latencies) {
    String target = String.format(Locale.ROOT,
        "Model swap under load, fast-loading model: p99 <= %.0f ms from publish to first record", SWAP_P99_MILLIS);
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (LatencyResult l : latencies) {
      if (l.suite().equals(Suites.SWAP) && l.variant().contains(ModelSwapSuite.FAST) && l.variant().endsWith(ModelSwapSuite.SWAP_LATENCY)) {
        figures.add(String.format(Locale.ROOT, "%s: p50 %.0f ms, p99 %.0f ms over %d swaps",
            mode(l.variant()), l.p50(), l.p99(), l.count()));
        met &= l.p99() <= SWAP_P99_MILLIS && l.count() > 0;
      }
    }
    return judged(target, figures, met, "needs the swap suite");
  }

  static TargetStatus swapSlow(List<LatencyResult> latencies) {
    String target = String.format(Locale.ROOT,
        "Model swap, slow-loading model: no record latency spike (p99 during swaps <= %.1f× p99 without)", SPIKE_FACTOR);
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (LatencyResult during : latencies) {
      if (!during.suite().equals(Suites.SWAP) || !during.variant().contains(ModelSwapSuite.SLOW)
          || !during.variant().endsWith(ModelSwapSuite.DURING)) {
        continue;
      }
      String prefix = during.variant().substring(0, during.variant().length() - ModelSwapSuite.DURING.length());
      Optional<LatencyResult> without = latencies.stream()
          .filter(l -> l.suite().equals(Suites.SWAP) && l.variant().equals(prefix + ModelSwapSuite.WITHOUT))
          .findFirst();
      if (without.isPresent()) {
        figures.add(String.format(Locale.ROOT, "%s at %,.0f records/s: p99 %.0f ms during swaps, %.0f ms without",
            mode(during.variant()), during.offeredRate(), during.p99(), without.get().p99()));
        met &= during.p99() <= SPIKE_FACTOR * without.get().p99();
      }
    }
    return judged(target, figures, met, "needs the swap suite");
  }

  private static TargetStatus judged(String target, List<String> figures, boolean met, String missing) {
    if (figures.isEmpty()) {
      return TargetStatus.notMeasured(target, "not measured in this run: " + missing);
    }
    return TargetStatus.judged(target, String.join("; ", figures), met);
  }

  /** "keyed" or "broadcast", from a variant that names one. */
  private static String mode(String variant) {
    return variant.contains("broadcast") ? "broadcast" : variant.contains("keyed") ? "keyed" : variant;
  }
}

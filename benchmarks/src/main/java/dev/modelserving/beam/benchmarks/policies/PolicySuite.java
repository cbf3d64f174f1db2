package dev.modelserving.beam.benchmarks.policies;

import dev.modelserving.beam.benchmarks.PolicyOptions;
import dev.modelserving.beam.benchmarks.Suite;
import dev.modelserving.beam.benchmarks.SuiteContext;
import dev.modelserving.beam.benchmarks.latency.Pipelines;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.LatencySummary;
import dev.modelserving.beam.benchmarks.report.MarginalThroughput;
import dev.modelserving.beam.benchmarks.report.Measurement;
import dev.modelserving.beam.benchmarks.report.PolicyLatencyResult;
import dev.modelserving.beam.benchmarks.report.PolicyThroughputResult;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.benchmarks.serve.BundleSettings;
import dev.modelserving.beam.benchmarks.serve.FlinkLocal;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.serving.ServingMetrics;
import dev.modelserving.beam.serving.policy.ServingPolicies;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Duration;

/**
 * The serving policies of {@code ServeModels}, in two parts.
 *
 * <p><b>Speculative latency.</b> A fast real model (the PMML tree, {@code wine-tree}) and a
 * benchmark-only model ({@code wine-slow}, {@link DelayModelFormat}) whose batch calls take a
 * seeded latency that sometimes exceeds the budget (by default 90% 2 ms, 10% 40 ms, budget 20 ms),
 * served with {@code ServingPolicies.speculative(budget, "wine-tree").preferring("wine-slow")} under a
 * steady paced load, like the latency suite. For the records due in the measurement window: how
 * many went in and came out (must be all), p50/p99/p99.9/max of their end-to-end latency (out −
 * due), the time from their batch's start of serving to the output, and which model answered (the
 * decision and the trace). The baselines run in the same suite at the same rate: the tree alone
 * and the slow model alone, each under {@code current()}.
 *
 * <p><b>Throughput cost.</b> Bounded runs timed like the serve suite (marginal throughput of two
 * sizes, median times) of the same records with copies of one benchmark model ({@code -a}, {@code
 * -b}, {@code -c}: same bytes, own names and uuids, so every consulted model costs the same):
 * {@code current()} with model a alone (the baseline), speculative, consensus of 2 and of 3, best
 * confidence, routed 50/50, and routed to a with b as a shadow. Each figure is divided by the
 * baseline of the same run; the library's per-model counters give the model answers per record.
 *
 * <p>Both parts run in the first of {@code --modes} at the largest {@code --parallelism}, with the
 * app's bundle settings.
 */
public final class PolicySuite implements Suite {
  /** The fast model of the speculative runs (the PMML tree under its usual name). */
  public static final String FAST = "wine-tree";
  /** The benchmark-only slow model of the speculative runs. */
  public static final String SLOW = "wine-slow";
  /** The minimum confidence of the best-confidence runs. */
  public static final double MIN_CONFIDENCE = 0.5;

  /** Longest the warm-up is stretched while a start-up backlog drains. */
  static final int MAX_EXTRA_WARMUP_SECONDS = 30;
  /** A second without a record this late (in ms) means the start-up backlog is gone. */
  static final long CAUGHT_UP_MILLIS = 1_000;
  /** Longest to wait, after a window closes, for its records to come out. */
  static final int MAX_DRAIN_SECONDS = 15;

  @Override
  public String name() {
    return Suites.POLICIES;
  }

  @Override
  public List<BenchmarkResult> run(SuiteContext context) throws Exception {
    PolicyOptions options = context.options().policy();
    int p = Collections.max(context.options().parallelism());
    ServingSetup setup = new ServingSetup(context.options().modes().get(0), p, BundleSettings.APP);
    context.addPolicySetting(String.format(Locale.ROOT,
        "ServeModels on Flink [local], %s mode at parallelism %d, with the app's bundle settings (%s); batches of"
            + " 1..500, max wait %d ms; the policy executor's default threads (twice the cores, at least 4)",
        ServingSetup.modeName(setup.mode()), p, FlinkLocal.describe(FlinkLocal.options(p, BundleSettings.APP, false)),
        BundleSettings.MAX_BATCH_WAIT_MILLIS));
    long start = System.nanoTime();
    speculativeLatency(context, options, setup);
    for (BenchmarkModel model : options.models()) {
      throughput(context, model, setup);
    }
    context.addPolicySetting(String.format(Locale.ROOT, "the policies suite took %.1f minutes",
        (System.nanoTime() - start) / 60e9));
    return List.of();
  }

  // ---- speculative latency ---------------------------------------------------------------------

  /** A policy over a set of models, for a latency point. */
  record LatencyVariant(String label, ServingPolicy policy, List<ModelDescriptor> models, double budgetMillis) {}

  static List<LatencyVariant> latencyVariants(ModelDescriptor fast, ModelDescriptor slow, long budgetMillis) {
    return List.of(
        new LatencyVariant("current(): " + FAST + " alone (baseline)", ServingPolicies.current(), List.of(fast),
            Double.NaN),
        new LatencyVariant(String.format(Locale.ROOT, "speculative(%d ms, fast %s), preferring %s", budgetMillis,
            FAST, SLOW),
            ServingPolicies.speculative(Duration.millis(budgetMillis), FAST).preferring(SLOW), List.of(fast, slow),
            budgetMillis),
        new LatencyVariant("current(): " + SLOW + " alone, no budget", ServingPolicies.current(), List.of(slow),
            Double.NaN));
  }

  private static void speculativeLatency(SuiteContext context, PolicyOptions options, ServingSetup setup)
      throws Exception {
    int warmup = context.options().load().warmupSeconds();
    int seconds = context.options().load().seconds();
    LatencyDistribution slowLatency = LatencyDistribution.parse(options.slowLatency(), options.seed());
    ModelDescriptor fast = context.models().descriptor(BenchmarkModel.TREE);
    ModelDescriptor slow = PolicyModels.delay(SLOW, slowLatency);
    context.addPolicySetting(String.format(Locale.ROOT,
        "speculative latency: %s is the PMML tree; %s is a benchmark-only model (format '%s') whose batch calls take"
            + " %s (seed %d; call k of the JVM's loaded model takes a latency drawn from the seed and k; %.1f%% of"
            + " calls exceed the %d ms budget) and answer a constant label; a paced source at %s records/s, open loop;"
            + " per point %d s warm-up (stretched until a second passes with no record over %d ms), then the records"
            + " due in a %d s window are followed until they come out (up to %d s more)",
        FAST, SLOW, DelayModelFormat.ID, slowLatency.describe(), options.seed(),
        100 * slowLatency.shareAbove(options.budgetMillis() * 1_000_000L), options.budgetMillis(),
        String.join(", ", options.rates().stream().map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList()),
        warmup, CAUGHT_UP_MILLIS, seconds, MAX_DRAIN_SECONDS));
    for (double rate : options.rates()) {
      for (LatencyVariant v : latencyVariants(fast, slow, options.budgetMillis())) {
        PolicyLatencyResult r;
        try {
          r = measureLatency(context, v, setup, rate, warmup, seconds);
        } catch (IllegalStateException stopped) {
          context.log("[policies] %s at %,.0f/s: %s; measuring it again with a new pipeline", v.label(), rate,
              stopped.getMessage());
          r = measureLatency(context, v, setup, rate, warmup, seconds);
          r = r.withNote("measured twice: the first pipeline stopped (" + stopped.getMessage() + ")");
        }
        context.addPolicyLatency(r);
      }
    }
  }

  private static PolicyLatencyResult measureLatency(SuiteContext context, LatencyVariant v, ServingSetup setup,
      double rate, int warmup, int seconds) throws Exception {
    String where = ServingSetup.modeName(setup.mode()) + " p=" + setup.parallelism();
    context.log("[policies] %s, %s at %,.0f records/s: %d s warm-up, %d s measured ...", v.label(), where, rate,
        warmup, seconds);
    PolicyProbe probe = PolicyProbe.open();
    PipelineResult result = null;
    PolicyProbe.Window window;
    double windowSeconds;
    boolean caughtUp;
    boolean drained;
    long failures;
    long totalFailures;
    String gcNote;
    Set<String> reasons;
    try {
      result = PolicyLatencyJob.start(v.models(), v.policy(), setup, rate, probe);
      Pipelines.runFor(result, warmup);
      caughtUp = awaitStartupBacklog(result, probe);
      long[] gcBefore = gc();
      long from = System.nanoTime();
      window = probe.startWindow(from);
      Pipelines.runFor(result, seconds);
      long to = System.nanoTime();
      window.end(to);
      long[] gcAfter = gc();
      gcNote = String.format(Locale.ROOT,
          "; GC during the window: %d collections, %d ms in all; load average %.1f (1 min, this JVM included)",
          gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1], loadAverage());
      windowSeconds = (to - from) / 1e9;
      drained = drain(result, window, to);
      failures = window.failures();
      if (probe.failures() > 0) {
        context.log("[policies] %,d dead letters or unserved records in the run (%,d of them due in the window),"
            + " e.g. %s", probe.failures(), failures, probe.failureReasons());
      }
      totalFailures = probe.failures();
      reasons = probe.failureReasons();
    } finally {
      Pipelines.cancel(result);
      probe.close();
    }
    LatencySummary e2e = window.endToEnd().summary();
    LatencySummary step = window.stepSummary();
    PolicyLatencyResult r = new PolicyLatencyResult(v.label(), v.policy().name(),
        String.join(" + ", v.models().stream().map(ModelDescriptor::getName).toList()), where,
        setup.parallelism(), rate, window.answered() / windowSeconds, window.inputs(), window.answered(), failures,
        e2e, step, v.budgetMillis(), window.decisions(), window.outcomes(),
        String.format(Locale.ROOT, "%d s warm-up, %.1f s window", warmup, windowSeconds) + gcNote
            + (caughtUp ? "" : "; the start-up backlog had not drained after " + MAX_EXTRA_WARMUP_SECONDS + " s more")
            + (drained ? "" : "; not every record of the window came out within " + MAX_DRAIN_SECONDS + " s")
            + (totalFailures == failures ? "" : String.format(Locale.ROOT,
                "; %,d dead letters or unserved records outside the window (start-up), e.g. %s", totalFailures - failures,
                reasons))
            + (window.inputs() < 0.95 * rate * windowSeconds ? "; fell behind: fewer records went in than offered" : ""));
    context.log("[policies] %s at %,.0f/s: %,d of %,d answered (%s), p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms;"
            + " serving step p99.9 %.0f ms; %s; %s",
        v.label(), rate, r.answered(), r.inputs(), r.allAnswered() ? "all" : "NOT all", e2e.p50(), e2e.p99(), e2e.p999(),
        e2e.max(), step.p999(), r.decisionShares(), r.outcomeShares());
    return r;
  }

  /** The machine's one-minute load average (this JVM included), NaN where unknown. */
  static double loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? Double.NaN : load;
  }

  /** Garbage collections of this JVM so far: their number and their total time in ms. */
  static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  /**
   * Records due while the job starts and its models load pile up in the source; the warm-up goes on
   * (up to {@value #MAX_EXTRA_WARMUP_SECONDS} s more) until a whole second passes in which no record
   * took {@value #CAUGHT_UP_MILLIS} ms or more. Returns whether it caught up.
   */
  static boolean awaitStartupBacklog(PipelineResult result, PolicyProbe probe) throws InterruptedException {
    long deadline = System.nanoTime() + MAX_EXTRA_WARMUP_SECONDS * 1_000_000_000L;
    while (true) {
      PolicyProbe.Window second = probe.startWindow(System.nanoTime());
      Pipelines.runFor(result, 1);
      if (second.endToEnd().count() > 0 && second.endToEnd().maxMicros() < CAUGHT_UP_MILLIS * 1_000L) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
    }
  }

  /**
   * Waits until every record of the window that went in has come out (and at least half a second,
   * for the source to emit the last records due), at most {@value #MAX_DRAIN_SECONDS} s.
   */
  static boolean drain(PipelineResult result, PolicyProbe.Window window, long closedAt) throws InterruptedException {
    while (true) {
      Pipelines.runFor(result, 0.1);
      long since = System.nanoTime() - closedAt;
      if (since > 500_000_000L && window.answered() + window.failures() >= window.inputs()) {
        return true;
      }
      if (since > MAX_DRAIN_SECONDS * 1_000_000_000L) {
        return false;
      }
    }
  }

  // ---- throughput ------------------------------------------------------------------------------

  /** A policy over copies of one model, for the throughput runs. */
  record ThroughputVariant(String label, ServingPolicy policy, List<ModelDescriptor> models, int expectedScorings,
      boolean shadowed) {}

  static List<ThroughputVariant> throughputVariants(ModelDescriptor a, ModelDescriptor b, ModelDescriptor c,
      long budgetMillis) {
    String na = a.getName();
    String nb = b.getName();
    String nc = c.getName();
    Routing split = Routing.newBuilder()
        .addWeights(ModelWeight.newBuilder().setModel(na).setWeight(50))
        .addWeights(ModelWeight.newBuilder().setModel(nb).setWeight(50))
        .build();
    Routing shadow = Routing.newBuilder()
        .addWeights(ModelWeight.newBuilder().setModel(na).setWeight(100))
        .addShadows(nb)
        .build();
    return List.of(
        new ThroughputVariant("current(): model a alone (baseline)", ServingPolicies.current(), List.of(a), 1, false),
        new ThroughputVariant(String.format(Locale.ROOT, "speculative(%d ms, fast a), preferring b", budgetMillis),
            ServingPolicies.speculative(Duration.millis(budgetMillis), na).preferring(nb), List.of(a, b), 2, false),
        new ThroughputVariant("consensus of a, b", ServingPolicies.consensus().among(na, nb), List.of(a, b), 2, false),
        new ThroughputVariant("consensus of a, b, c", ServingPolicies.consensus().among(na, nb, nc),
            List.of(a, b, c), 3, false),
        new ThroughputVariant(String.format(Locale.ROOT, "bestConfidence(%.1f) of a, b", MIN_CONFIDENCE),
            ServingPolicies.bestConfidence(MIN_CONFIDENCE).among(na, nb), List.of(a, b), 2, false),
        new ThroughputVariant("routed 50/50 a, b", ServingPolicies.routed().withDefaultRouting(split),
            List.of(a, b), 1, false),
        new ThroughputVariant("routed 100% a, b shadow", ServingPolicies.routed().withDefaultRouting(shadow),
            List.of(a, b), 2, true));
  }

  private static void throughput(SuiteContext context, BenchmarkModel model, ServingSetup setup) {
    int repeats = context.options().repeats();
    long[] sizes = context.options().serveSizesFor(model);
    PolicyOptions options = context.options().policy();
    ModelDescriptor a = PolicyModels.copy(context.models(), model, "wine-" + model.id() + "-a");
    ModelDescriptor b = PolicyModels.copy(context.models(), model, "wine-" + model.id() + "-b");
    ModelDescriptor c = PolicyModels.copy(context.models(), model, "wine-" + model.id() + "-c");
    context.addPolicySetting(String.format(Locale.ROOT,
        "throughput on the %s: models a, b, c are %s, %s, %s (copies of the %s: same bytes, own names and uuids);"
            + " bounded runs of %,d and %,d records, one warm-up run and %d run(s) of each size per policy;"
            + " routed policies split by the record id with a default routing (no routing message); speculative"
            + " has the %d ms budget",
        model.id(), a.getName(), b.getName(), c.getName(), model.id(), sizes[0], sizes[1], repeats,
        options.budgetMillis()));
    PolicyThroughputResult baseline = null;
    for (ThroughputVariant v : throughputVariants(a, b, c, options.budgetMillis())) {
      PolicyThroughputResult r = measureThroughput(context, model, v, setup, sizes, repeats, baseline == null);
      if (baseline == null) {
        baseline = r;
      }
      r = r.withBaseline(baseline);
      context.log("[policies] %s, %s: %,.0f records/s (%.2f× the baseline), %.2f model answers per record",
          model.id(), v.label(), r.recordsPerSecond(), r.ratioToBaseline(), r.scoringsPerRecord());
      context.addPolicyThroughput(r);
    }
  }

  private static PolicyThroughputResult measureThroughput(SuiteContext context, BenchmarkModel model,
      ThroughputVariant v, ServingSetup setup, long[] sizes, int repeats, boolean baseline) {
    run(context, model, v, setup, Math.max(1_000, sizes[0] / 4), "warm-up");
    List<Double> small = new ArrayList<>();
    List<Double> large = new ArrayList<>();
    PolicyThroughputJob.Outcome last = null;
    long records = 0;
    long failed = 0;
    Map<String, Long> reasons = new java.util.TreeMap<>();
    for (int r = 1; r <= repeats; r++) {
      for (long n : sizes) {
        PolicyThroughputJob.Outcome o = run(context, model, v, setup, n, "run " + r + "/" + repeats);
        (n == sizes[0] ? small : large).add(o.seconds());
        records += o.records();
        failed += o.deadLettered() + o.unserved();
        o.failureReasons().forEach((k, c) -> reasons.merge(k, c, Long::sum));
        if (n == sizes[1]) {
          last = o;
        }
      }
    }
    MarginalThroughput m = MarginalThroughput.of(sizes[0], small, sizes[1], large);
    String notes = String.format(Locale.ROOT, "N1=%,d, N2=%,d, median of %d; load average %.1f (1 min, this JVM"
        + " included)", sizes[0], sizes[1],
        repeats, loadAverage())
        + (v.shadowed() ? String.format(Locale.ROOT, "; the shadow compared %.2f%% of the N2 records (not those"
            + " served before it was loaded)", 100.0 * last.comparisons() / last.records()) : "")
        + notAnswering(last)
        + (failed == 0 ? "" : String.format(Locale.ROOT, "; NOT ALL ANSWERED: %,d of the %,d records of the timed runs"
            + " were dead-lettered or unserved: %s", failed, records, reasons))
        + (m.isValid() ? "" : "; " + m.note());
    Map<String, Long> won = last.byModel(ServingMetrics.MODEL_WON);
    return new PolicyThroughputResult(v.label(), v.policy().name(), model.id(),
        String.join(" + ", v.models().stream().map(ModelDescriptor::getName).toList()),
        ServingSetup.modeName(setup.mode()) + " p=" + setup.parallelism(), setup.parallelism(),
        m.recordsPerSecond(), m.low(), m.high(), baseline, Double.NaN, last.scoringsPerRecord(), v.expectedScorings(),
        100.0 * last.review() / last.records(), 100.0 * (records - failed) / records, won, notes);
  }

  /** The consulted models that did not answer records of a run, as shares of its records: "; in the last ...". */
  static String notAnswering(PolicyThroughputJob.Outcome o) {
    if (o.notAnswering().isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder("; in the last N2 run, records a consulted model did not answer: ");
    boolean first = true;
    for (Map.Entry<String, Long> e : o.notAnswering().entrySet()) {
      s.append(first ? "" : ", ").append(e.getKey()).append(String.format(Locale.ROOT, " %.3g%%",
          100.0 * e.getValue() / o.records()));
      first = false;
    }
    return s.toString();
  }

  private static PolicyThroughputJob.Outcome run(SuiteContext context, BenchmarkModel model, ThroughputVariant v,
      ServingSetup setup, long n, String what) {
    PolicyThroughputJob.Outcome o;
    try {
      o = PolicyThroughputJob.run(v.models(), v.policy(), setup, n);
    } catch (RuntimeException failed) {
      context.log("[policies] %s, %s %s failed (%s); running it again", model.id(), v.label(), what, failed);
      o = PolicyThroughputJob.run(v.models(), v.policy(), setup, n);
    }
    context.log("[policies] %s, %s %s: %,d records in %.2f s", model.id(), v.label(), what, n, o.seconds());
    if (!o.allAnswered()) {
      context.log("[policies] %s, %s %s: NOT ALL ANSWERED, %s; reasons: %s", model.id(), v.label(), what, o.describe(),
          o.failureReasons());
    }
    if (!o.complete()) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "ServeModels on copies of the %s under %s %s: a run that loses records has no throughput",
          model.id(), v.label(), o.describe()));
    }
    if (!what.equals("warm-up")) {
      context.addPolicyRun(new Measurement(Suites.POLICIES, v.label(), model.id(), setup.parallelism(), o.records(),
          o.scored() + o.review(), o.seconds()));
    }
    return o;
  }
}

package dev.modelserving.beam.benchmarks.swap;

import dev.modelserving.beam.benchmarks.Suite;
import dev.modelserving.beam.benchmarks.SuiteContext;
import dev.modelserving.beam.benchmarks.kafka.KafkaEndToEndSuite;
import dev.modelserving.beam.benchmarks.kafka.WineCsvLines;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.benchmarks.raw.PmmlEvaluators;
import dev.modelserving.beam.benchmarks.raw.PmmlScoringRate;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.LatencyResult;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.serving.ServingMode;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.util.List;
import java.util.Locale;
import org.jpmml.evaluator.Evaluator;

/**
 * Model swaps under steady load through Kafka ({@link SwapRun}), in the first serving mode asked
 * for, at 50% of the end-to-end sustainable rate: once with a model that loads fast (the PMML tree)
 * and once with one that loads slowly (a random forest of {@code --slow-forest-trees} trees, several
 * seconds), which is swapped less often so that loads do not pile up. Reports the swap latency (p50,
 * p99) and the record latency with and without swaps.
 */
public final class ModelSwapSuite implements Suite {
  /** The end-to-end rate assumed when neither the kafka-e2e suite nor --kafka-rate gives one. */
  public static final double DEFAULT_SUSTAINABLE = 20_000;
  /** The share of the sustainable rate the load runs at. */
  public static final double LOAD = 0.5;
  /**
   * The rate of the issue's own slow-swap observation (a 600-tree forest swapped every 10 s under
   * 500 records/s): there the machine has cores to spare, so a spike can only come from records
   * waiting for the load, not from the load taking the CPU the records need.
   */
  public static final double TRICKLE = 500;
  /** What the rows of the fast and the slow model say of them. */
  public static final String FAST = "(fast load)";
  public static final String SLOW = "(slow load)";
  /** How the rows' variants end: swap latency, records without and during swaps. */
  public static final String SWAP_LATENCY = ": publish → first record of the new model";
  public static final String WITHOUT = ": records without swaps";
  public static final String DURING = ": records during swaps";

  /**
   * The load for the slow model, which costs far more per record than the tree: 50% of an estimate
   * of the app's sustainable rate with it while it is being swapped. A record costs the pipeline's
   * share (1 / the sustainable rate with the tree, both cores) plus the model's; the model's
   * capacity is what two threads score with it, less the share of one core its loads take
   * ({@code loadSeconds} every {@code intervalSeconds}): {@code LOAD / (1 / sustainable + 1 /
   * (oneThread × (2 − loadSeconds / intervalSeconds)))}.
   */
  public static double slowModelRate(double sustainable, double oneThreadScoring, double loadSeconds,
      double intervalSeconds) {
    double loadShare = Math.min(1, loadSeconds / intervalSeconds);
    return LOAD / (1 / sustainable + 1 / (oneThreadScoring * (2 - loadShare)));
  }

  @Override
  public String name() {
    return Suites.SWAP;
  }

  @Override
  public List<BenchmarkResult> run(SuiteContext context) throws Exception {
    ServingMode mode = context.options().modes().get(0);
    String modeName = ServingSetup.modeName(mode);
    String source;
    double sustainable;
    if (context.options().load().kafkaRate() > 0) {
      sustainable = context.options().load().kafkaRate();
      source = "--kafka-rate";
    } else {
      sustainable = context.findResult(r -> r.suite().equals(Suites.KAFKA)
              && r.variant().equals(KafkaEndToEndSuite.appVariant(modeName) + KafkaEndToEndSuite.SUSTAINABLE)
              && r.recordsPerSecond() > 0)
          .map(BenchmarkResult::recordsPerSecond).orElse(Double.NaN);
      source = "the kafka-e2e suite";
      if (Double.isNaN(sustainable)) {
        sustainable = DEFAULT_SUSTAINABLE;
        source = "a default (neither kafka-e2e nor --kafka-rate gave one)";
      }
    }
    double rate = LOAD * sustainable;
    int swaps = context.options().load().swaps();
    double interval = context.options().load().swapIntervalSeconds();
    int warmup = context.options().load().warmupSeconds();
    int seconds = context.options().load().seconds();
    WineCsvLines lines = WineCsvLines.of(WineWorkload.standard());

    ModelDescriptor fast = context.models().descriptor(BenchmarkModel.TREE);
    double treeScoring = PmmlScoringRate.singleThread(
        PmmlEvaluators.load(fast.getModelBytes().toByteArray()), WineWorkload.standard(), 1);
    int trees = context.options().load().slowForestTrees();
    ModelFiles slowFiles = new ModelFiles(context.options().testdata(), context.options().work(),
        WineForestTrainer.Params.of(trees, 8));
    context.log("[swap] the slow model: a forest of %d trees (generated once into %s) ...", trees, context.options().work());
    ModelDescriptor slow = slowFiles.descriptor(BenchmarkModel.FOREST).toBuilder().setName("wine-forest-" + trees).build();
    long loadStart = System.nanoTime();
    Evaluator slowEvaluator = PmmlEvaluators.load(slow.getModelBytes().toByteArray());
    double slowLoad = (System.nanoTime() - loadStart) / 1e9;
    double slowInterval = Math.max(interval, 2 * slowLoad + 1);
    double slowScoring = PmmlScoringRate.singleThread(slowEvaluator, WineWorkload.standard(), 1);
    slowEvaluator = null;
    double slowRate = slowModelRate(sustainable, slowScoring, slowLoad, slowInterval);
    context.log("[swap] the slow model is %.1f MB, loads in %.1f s and scores %,.0f records/s on one thread here;"
        + " it is swapped every %.1f s under %,.0f records/s", slow.getModelBytes().size() / 1e6, slowLoad,
        slowScoring, slowInterval, slowRate);
    context.addSetting(String.format(Locale.ROOT,
        "swap: %s mode, app through Kafka at p=%d under %,.0f records/s (%.0f%% of %,.0f/s from %s); per model %d s"
            + " warm-up, %d s without swaps, then %d swaps (same bytes, new uuid and creation time) of the fast model"
            + " every %.1f s; the slow model (%d trees, %.1f MB, %.1f s to load and %,.0f records/s on one thread in"
            + " the benchmark JVM) every %.1f s under %,.0f records/s (%.0f%% of the sustainable rate estimated with"
            + " its cost per record, %.0f× the tree's, and the core share its loads take), and again under %,.0f"
            + " records/s",
        modeName, KafkaEndToEndSuite.PARALLELISM, rate, 100 * LOAD, sustainable, source, warmup, seconds, swaps,
        interval, trees, slow.getModelBytes().size() / 1e6, slowLoad, slowScoring, slowInterval, slowRate,
        100 * LOAD, treeScoring / slowScoring, TRICKLE));

    EmbeddedKafkaBroker.quietKafkaLogging();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0)) {
      measure(context, broker, mode, fast, "tree", "tree " + FAST, rate, swaps, interval, warmup, seconds, lines);
      measure(context, broker, mode, slow, "forest-" + trees, "forest of " + trees + " trees " + SLOW,
          slowRate, swaps, slowInterval, warmup, seconds, lines);
      measure(context, broker, mode, slow, "forest-" + trees, "forest of " + trees + " trees " + SLOW
          + " at a trickle", TRICKLE, swaps, slowInterval, warmup, seconds, lines);
    }
    return List.of();
  }

  private static void measure(SuiteContext context, EmbeddedKafkaBroker broker, ServingMode mode,
      ModelDescriptor model, String tag, String what, double rate, int swaps, double interval, int warmup,
      int seconds, WineCsvLines lines) throws Exception {
    String modeName = ServingSetup.modeName(mode);
    context.log("[swap] %s, %s: %d swaps every %.1f s under %,.0f records/s ...", modeName, what, swaps, interval, rate);
    SwapRun.Outcome o = SwapRun.run(broker.bootstrapServers(), mode, KafkaEndToEndSuite.PARALLELISM, model, tag,
        rate, swaps, interval, KafkaEndToEndSuite.startupSeconds(context), warmup, seconds,
        context.options().load().appArgs(), lines,
        line -> context.log("[swap] %s: %s", tag, line));
    context.log("[swap] %s, %s: swap p50 %.1f ms, p99 %.1f ms (%d missing); record p99 %.1f ms without swaps,"
            + " %.1f ms during", modeName, what, o.swapLatency().p50(), o.swapLatency().p99(), o.missing(),
        o.withoutSwaps().p99(), o.duringSwaps().p99());
    int p = KafkaEndToEndSuite.PARALLELISM;
    context.addLatency(LatencyResult.of(Suites.SWAP, modeName + ", " + what + SWAP_LATENCY,
        tag, p, rate, Double.NaN, o.swapLatency(), String.format(Locale.ROOT,
            "%d swaps, one every %.1f s%s", swaps, interval,
            o.missing() == 0 ? "" : "; " + o.missing() + " never showed in the output")));
    context.addLatency(LatencyResult.of(Suites.SWAP, modeName + ", " + what + WITHOUT,
        tag, p, rate, o.withoutSwapsRate(), o.withoutSwaps(), seconds + " s window before the swaps"));
    context.addLatency(LatencyResult.of(Suites.SWAP, modeName + ", " + what + DURING,
        tag, p, rate, o.duringSwapsRate(), o.duringSwaps(), "from the first publish to the last swap's first record"));
  }
}

package dev.modelserving.beam.benchmarks.kafka;

import dev.modelserving.beam.benchmarks.Suite;
import dev.modelserving.beam.benchmarks.SuiteContext;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.LatencyResult;
import dev.modelserving.beam.benchmarks.report.LatencySummary;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.benchmarks.serve.FlinkLocal;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.serving.ServingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The serving application end to end through a real Kafka broker ({@link EmbeddedKafkaBroker} in
 * this JVM) on the local Flink mini-cluster at parallelism 2, in each serving mode, with the first
 * model asked for: the maximum sustainable rate ({@link RateRamp}, judged by {@link
 * Sustainability}), then per-record latency (output read minus due) at a trickle of {@value
 * #TRICKLE} records/s and at 50% and 90% of the sustainable rate. Reference rows: the producer
 * alone, and one message's round trip through the broker.
 */
public final class KafkaEndToEndSuite implements Suite {
  /** The trickle rate, records a second. */
  public static final double TRICKLE = 500;
  /** The parallelism of the app's pipeline. */
  public static final int PARALLELISM = 2;
  /** The bound on the last quarter's p99 latency of a sustainable window. */
  public static final double MAX_LAG_MILLIS = 1_000;
  /** How the sustainable-rate row's variant ends. */
  public static final String SUSTAINABLE = ": max sustainable rate";
  /** How the trickle latency row's variant ends. */
  public static final String TRICKLE_LABEL = ", trickle";

  /** How a latency row's variant ends at a load (share of the sustainable rate): ", 50% load". */
  public static String loadLabel(double load) {
    return String.format(Locale.ROOT, ", %.0f%% load", 100 * load);
  }

  /** The variant of a row of the app in a mode, e.g. "app through Kafka, keyed". */
  public static String appVariant(String mode) {
    return "app through Kafka, " + mode;
  }

  /** The rate of the start-up warm-up of a fresh pipeline, records a second. */
  public static final double STARTUP_RATE = 5_000;

  /** How long a fresh pipeline is warmed up before anything is measured: 20 s (quick: 8 s). */
  public static double startupSeconds(SuiteContext context) {
    return context.options().quick() ? 8 : 20;
  }

  @Override
  public String name() {
    return Suites.KAFKA;
  }

  @Override
  public List<BenchmarkResult> run(SuiteContext context) throws Exception {
    boolean quick = context.options().quick();
    int warmup = context.options().load().warmupSeconds();
    int seconds = context.options().load().seconds();
    BenchmarkModel model = context.options().models().get(0);
    WineCsvLines lines = WineCsvLines.of(WineWorkload.standard());
    List<BenchmarkResult> results = new ArrayList<>();
    EmbeddedKafkaBroker.quietKafkaLogging();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0)) {
      String bootstrap = broker.bootstrapServers();
      long n = quick ? 200_000 : 1_000_000;
      context.log("[kafka-e2e] reference: producer alone, %,d records ...", n);
      double producerRate = KafkaReference.producerRate(bootstrap, "reference-producer", lines, n);
      context.log("[kafka-e2e] reference: producer alone %,.0f records/s", producerRate);
      results.add(BenchmarkResult.of(Suites.KAFKA, "Kafka producer alone (reference)", "kafka", 1, producerRate,
          Double.NaN, Double.NaN, false, String.format(Locale.ROOT,
              "%,d wine lines sent as fast as send() takes them, then flush; default producer settings", n)));
      int trips = quick ? 50 : 300;
      LatencySummary trip = KafkaReference.roundTrip(bootstrap, "reference-round-trip", trips);
      context.log("[kafka-e2e] reference: round trip p50 %.2f ms, p99 %.2f ms", trip.p50(), trip.p99());
      context.addLatency(LatencyResult.of(Suites.KAFKA, "one message round trip through the broker (reference)",
          "kafka", 1, Double.NaN, Double.NaN, trip,
          trips + " messages one at a time: send, flush, poll until it is back"));

      for (ServingMode mode : context.options().modes()) {
        String name = ServingSetup.modeName(mode);
        String prefix = "e2e-" + name + "-" + System.nanoTime();
        context.log("[kafka-e2e] %s: starting the app on Flink [local] p=%d with model %s ...", name, PARALLELISM, model.id());
        try (KafkaServingApp app = KafkaServingApp.start(bootstrap, prefix, mode, PARALLELISM,
                context.models().descriptor(model), context.options().load().appArgs());
            LoadDriver driver = new LoadDriver(app, lines)) {
          driver.awaitReady();
          double startup = startupSeconds(context);
          context.log("[kafka-e2e] %s: pipeline ready; %.0f s start-up warm-up at %,.0f records/s", name, startup, STARTUP_RATE);
          driver.warmUp(STARTUP_RATE, startup);
          if (mode == context.options().modes().get(0)) {
            context.addSetting("kafka-e2e: the app's own runner settings: " + FlinkLocal.describe(app.options())
                + (context.options().load().appArgs().isEmpty() ? ""
                    : "; with --app-args " + String.join(" ", context.options().load().appArgs())));
          }
          double sustainable = sustainableRate(context, driver, name, producerRate, results, model);
          if (sustainable <= 0) {
            continue;
          }
          for (double load : new double[] {0, 0.5, 0.9}) {
            double rate = load == 0 ? TRICKLE : load * sustainable;
            driver.drain(120);
            context.log("[kafka-e2e] %s: latency at %,.0f records/s (%d s warm-up, %d s window) ...", name, rate, warmup, seconds);
            LoadDriver.Step step = driver.offer(rate, warmup, seconds, 30, Double.POSITIVE_INFINITY);
            context.log("[kafka-e2e] %s: %s", name, step.describe());
            context.addLatency(LatencyResult.of(Suites.KAFKA,
                appVariant(name) + (load == 0 ? TRICKLE_LABEL : loadLabel(load)),
                model.id(), PARALLELISM, rate, step.achievedRate(), step.latency(), String.format(Locale.ROOT,
                    "%d s warm-up, %d s window; %,d sent, %,d out; latency = output read − due%s",
                    warmup, seconds, step.window().sent(), step.window().received(),
                    step.window().received() < step.window().sent() ? "; some records never came out" : "")));
          }
        }
      }
    }
    context.addSetting(String.format(Locale.ROOT,
        "kafka-e2e: embedded broker on 127.0.0.1 in the benchmark JVM; topics of %d partitions; the generator"
            + " sends numbered CSV wine lines open loop with the due time in the record id; a consumer reads the"
            + " output topic; sustainable = the generator sent >= %.0f%% of the records due, all came out, p99 of"
            + " the window's last quarter <= %.0f ms and <= 2 × the first quarter's + %.0f ms",
        KafkaServingApp.PARTITIONS, 100 * Sustainability.MIN_SENT_FRACTION, MAX_LAG_MILLIS,
        Sustainability.GROWTH_SLACK_MILLIS));
    return results;
  }

  /** --kafka-rate, or the ramp's result (also added to {@code results}); 0 if nothing was sustainable. */
  private static double sustainableRate(SuiteContext context, LoadDriver driver, String mode, double producerRate,
      List<BenchmarkResult> results, BenchmarkModel model) throws Exception {
    double given = context.options().load().kafkaRate();
    if (given > 0) {
      context.log("[kafka-e2e] %s: sustainable rate given: %,.0f/s", mode, given);
      return given;
    }
    boolean quick = context.options().quick();
    RateRamp ramp = quick
        ? new RateRamp(10_000, 2, Math.max(10_000, 0.9 * producerRate), 1)
        : new RateRamp(5_000, 1.5, Math.max(5_000, 0.9 * producerRate), 2);
    double warmup = quick ? 1 : 2;
    double window = quick ? 4 : 8;
    List<String> steps = new ArrayList<>();
    RateRamp.Result found = ramp.run(rate -> {
      driver.drain(120);
      LoadDriver.Step step = driver.offer(rate, warmup, window, 10, MAX_LAG_MILLIS);
      context.log("[kafka-e2e] %s ramp: %s", mode, step.describe());
      steps.add(String.format(Locale.ROOT, "%,.0f%s", rate, step.verdict().sustainable() ? " ok" : " no"));
      return step.verdict().sustainable();
    });
    context.log("[kafka-e2e] %s: maximum sustainable rate %,.0f/s", mode, found.sustainable());
    String notes = String.format(Locale.ROOT, "ramp of %.0f s + %.0f s windows: %s%s", warmup, window,
        String.join(", ", steps),
        found.cappedAtMax() ? "; stopped at 90% of what the producer alone sends" : "");
    results.add(BenchmarkResult.of(Suites.KAFKA, appVariant(mode) + SUSTAINABLE, model.id(),
        PARALLELISM, found.sustainable() > 0 ? found.sustainable() : Double.NaN, Double.NaN, Double.NaN, false, notes));
    return found.sustainable();
  }
}

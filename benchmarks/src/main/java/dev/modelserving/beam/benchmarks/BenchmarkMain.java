package dev.modelserving.beam.benchmarks;

import dev.modelserving.beam.benchmarks.flink.NativeFlinkSuite;
import dev.modelserving.beam.benchmarks.heap.HeapSuite;
import dev.modelserving.beam.benchmarks.swap.ModelSwapSuite;
import dev.modelserving.beam.benchmarks.kafka.KafkaEndToEndSuite;
import dev.modelserving.beam.benchmarks.latency.InProcessLatencySuite;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.benchmarks.policies.PolicySuite;
import dev.modelserving.beam.benchmarks.raw.RawEvaluatorSuite;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.MachineFacts;
import dev.modelserving.beam.benchmarks.report.PolicyResults;
import dev.modelserving.beam.benchmarks.report.Ratios;
import dev.modelserving.beam.benchmarks.report.Report;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.benchmarks.serve.ServeThroughputSuite;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs the chosen suites on the chosen models and writes the report. Started by {@code
 * benchmarks/run.sh}; {@code --help} lists the options.
 */
public final class BenchmarkMain {
  /** The suites, in the order they run. */
  public static final Map<String, Supplier<Suite>> SUITES;

  static {
    Map<String, Supplier<Suite>> suites = new LinkedHashMap<>();
    suites.put(Suites.RAW, RawEvaluatorSuite::new);
    suites.put(Suites.NATIVE_FLINK, NativeFlinkSuite::new);
    suites.put(Suites.SERVE, ServeThroughputSuite::new);
    suites.put(Suites.LATENCY, InProcessLatencySuite::new);
    suites.put(Suites.KAFKA, KafkaEndToEndSuite::new);
    suites.put(Suites.SWAP, ModelSwapSuite::new);
    suites.put(Suites.HEAP, HeapSuite::new);
    suites.put(Suites.POLICIES, PolicySuite::new);
    SUITES = Collections.unmodifiableMap(suites);
  }

  private BenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    if (BenchmarkOptions.wantsHelp(args)) {
      System.out.println(BenchmarkOptions.USAGE);
      return;
    }
    BenchmarkOptions options;
    try {
      options = BenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("benchmarks: " + e.getMessage());
      System.err.println(BenchmarkOptions.USAGE);
      System.exit(2);
      return;
    }
    Path markdown = run(options);
    System.out.println("Report: " + markdown.toAbsolutePath());
  }

  /** The settings in a Flink configuration directory, for the report. */
  static String flinkConf(Path dir) {
    for (String name : List.of("config.yaml", "flink-conf.yaml")) {
      Path file = dir.resolve(name);
      if (java.nio.file.Files.isRegularFile(file)) {
        try {
          return name + ": " + String.join("; ", java.nio.file.Files.readAllLines(file).stream()
              .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
        } catch (java.io.IOException e) {
          return name + " (unreadable: " + e.getMessage() + ")";
        }
      }
    }
    return "no config.yaml or flink-conf.yaml there";
  }

  /** Runs everything the options ask for and writes the report; returns the Markdown file. */
  public static Path run(BenchmarkOptions options) throws Exception {
    long start = System.nanoTime();
    ModelFiles models = new ModelFiles(options.testdata(), options.work(), options.forest());
    SuiteContext context = new SuiteContext(options, models, System.out);
    context.log("Benchmarks: suites %s, models %s, parallelism %s%s",
        options.suites(), options.models().stream().map(BenchmarkModel::id).toList(),
        options.parallelism(), options.quick() ? " (quick)" : "");
    context.addSetting(String.format(Locale.ROOT,
        "workload: %d red wines from WineDataGenerator seed %d, cycled by sequence number",
        WineWorkload.DEFAULT_SIZE, WineWorkload.DEFAULT_SEED));
    String flinkConfDir = System.getenv("FLINK_CONF_DIR");
    if (flinkConfDir != null && !flinkConfDir.isBlank()) {
      context.addSetting("FLINK_CONF_DIR=" + flinkConfDir + " gives every Beam pipeline of this run its Flink"
          + " configuration (not the native job): " + flinkConf(Path.of(flinkConfDir)));
    }
    if (options.models().contains(BenchmarkModel.FOREST)) {
      context.addSetting(String.format(Locale.ROOT,
          "forest: %d trees of depth <= %d, %d of 11 features per tree, generated with seed %d (%s)",
          options.forest().trees(), options.forest().maxDepth(), options.forest().featuresPerTree(),
          ModelFiles.FOREST_SEED, options.forest().fileName()));
    }
    for (String name : options.suites()) {
      Suite suite = SUITES.get(name).get();
      long suiteStart = System.nanoTime();
      context.log("== %s ==", suite.name());
      context.addResults(suite.run(context));
      context.log("== %s took %.1f minutes ==", suite.name(), (System.nanoTime() - suiteStart) / 60e9);
    }
    context.addSetting(String.format(Locale.ROOT, "the whole run took %.1f minutes",
        (System.nanoTime() - start) / 60e9));
    List<BenchmarkResult> results = Ratios.apply(context.results());
    PolicyResults policies = context.policies();
    if (!policies.isEmpty()) {
      policies = policies.withTargets(Targets.speculative(policies.latencies()));
    }
    Report report = new Report(
        options.command(), options.note(), MachineFacts.current(), context.settings(),
        results, context.measurements(), context.latencies(), context.heap(),
        policies.isEmpty() ? Targets.evaluate(results, context.latencies())
            : Targets.evaluate(results, context.latencies(), policies.latencies()),
        policies);
    return options.update() ? report.updateIn(options.out()) : report.writeTo(options.out());
  }
}

package dev.modelserving.beam.benchmarks;

import dev.modelserving.beam.benchmarks.flink.NativeFlinkSuite;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.benchmarks.raw.RawEvaluatorSuite;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.MachineFacts;
import dev.modelserving.beam.benchmarks.report.Ratios;
import dev.modelserving.beam.benchmarks.report.Report;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import java.nio.file.Path;
import java.util.ArrayList;
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
    if (options.models().contains(BenchmarkModel.FOREST)) {
      context.addSetting(String.format(Locale.ROOT,
          "forest: %d trees of depth <= %d, %d of 11 features per tree, generated with seed %d (%s)",
          options.forest().trees(), options.forest().maxDepth(), options.forest().featuresPerTree(),
          ModelFiles.FOREST_SEED, options.forest().fileName()));
    }
    List<BenchmarkResult> results = new ArrayList<>();
    for (String name : options.suites()) {
      Suite suite = SUITES.get(name).get();
      context.log("== %s ==", suite.name());
      results.addAll(suite.run(context));
    }
    context.addSetting(String.format(Locale.ROOT, "the whole run took %.1f minutes",
        (System.nanoTime() - start) / 60e9));
    Report report = new Report(
        options.command(), options.note(), MachineFacts.current(), context.settings(),
        Ratios.apply(results), context.measurements());
    return report.writeTo(options.out());
  }
}

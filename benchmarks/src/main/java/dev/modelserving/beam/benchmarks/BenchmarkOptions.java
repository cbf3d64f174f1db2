package dev.modelserving.beam.benchmarks;

import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.serving.ServingMode;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@link BenchmarkMain}, {@code --name=value} each; see {@link #USAGE}.
 *
 * @param suites the suites to run, in order
 * @param sizes the two run sizes for every model, or null for each model's defaults
 * @param load the options of the streaming suites
 * @param policy the options of the policies suite
 * @param update write only the sections of the suites that ran into the existing report files
 */
public record BenchmarkOptions(
    boolean quick,
    List<String> suites,
    List<BenchmarkModel> models,
    List<Integer> parallelism,
    long[] sizes,
    int repeats,
    List<Integer> tensorFlowBatches,
    Path out,
    Path testdata,
    Path work,
    WineForestTrainer.Params forest,
    String note,
    String command,
    boolean verbose,
    LoadOptions load,
    PolicyOptions policy,
    boolean update) {

  public static final String USAGE = String.join("\n",
      "Usage: benchmarks/run.sh [options]",
      "",
      "  --quick                 small sizes, 1 repeat, short JMH runs: a smoke test of a few minutes;",
      "                          writes to benchmarks/target/benchmarks-quick unless --out is given",
      "  --suites=a,b            suites to run, in order (default: all): " + String.join(", ", BenchmarkMain.SUITES.keySet()),
      "  --models=a,b            models (default: all; --quick: tree, mlp): tree, linear, forest, mlp",
      "  --parallelism=1,2       Flink parallelism, and JMH threads for the raw evaluators (default 1,2)",
      "  --sizes=N1,N2           records in the small and the large pipeline run, for every model",
      "                          (default per model, native: tree, linear 2M,8M; forest, mlp 100k,400k;",
      "                          serve: tree, linear, mlp 1M,3M, forest 200k,600k; --quick a tenth)",
      "  --repeats=R             runs of each size; the figure uses the median times (default 2)",
      "  --tf-batches=1,16,256   batch sizes of the raw TensorFlow benchmark",
      "  --modes=keyed,broadcast serving modes of the ServeModels suites",
      "  --rate=N                latency: the in-process sustainable rate (records/s) to take 50% and",
      "                          90% of (default: the serve suite's figure for the model, mode and",
      "                          parallelism; --rate is needed when the serve suite does not run)",
      "  --kafka-rate=N          kafka-e2e, swap: the end-to-end sustainable rate; skips the ramp",
      "                          that finds it (swap without kafka-e2e and without it: 20,000)",
      "  --seconds=15            measured seconds of each latency point (quick 5)",
      "  --warmup-seconds=5      seconds of load before each measurement (quick 2)",
      "  --swaps=20              model swaps per model in the swap suite (quick 3)",
      "  --swap-interval=3       seconds between swaps of the fast-loading model",
      "  --slow-forest-trees=600 trees of the slow-loading forest of the swap suite, depth 8 (quick 200)",
      "  --heap-types=100        data types of the heap suite, two models each",
      "  --app-args='--a=1 --b'  kafka-e2e, swap: extra options for the app's pipeline, as on its command",
      "                          line (e.g. --fasterCopy=true); FLINK_CONF_DIR in the environment gives",
      "                          every Beam pipeline of the run a Flink configuration (not the native job)",
      "  --policy-rates=5000,50000 policies: steady rates of the speculative latency points (quick 5000)",
      "  --policy-budget=20      policies: the speculative latency budget, ms",
      "  --policy-latency=2ms:90,40ms:10  policies: the slow model's call latencies, latency:weight pairs",
      "  --policy-seed=7         policies: the seed of the slow model's latencies",
      "  --policy-models=tree,forest  policies: models whose copies the throughput runs serve (quick: tree)",
      "  --update                write only the sections of the suites that ran into the report already in",
      "                          --out, keeping the rest (only --suites=policies: its own section and CSV rows)",
      "  --forest-trees=50       trees of the generated random forest",
      "  --forest-depth=8        depth of its trees",
      "  --out=DIR               where benchmarks.md, .csv and .svg go (default docs)",
      "  --testdata=DIR          the testdata/files directory (default testdata/files)",
      "  --work=DIR              where generated models go (default benchmarks/target/work)",
      "  --note=TEXT             a remark for the top of the report, e.g. that the machine was busy",
      "  --command=TEXT          the command line to print in the report (run.sh sets it)",
      "  --verbose               show JMH's own output",
      "  --help                  this text",
      "",
      "run.sh also takes --no-build (use the jar as it is) and --build (rebuild first); by default it",
      "runs 'mvn -B -q -DskipTests -pl benchmarks -am package' at the root when the jar is missing or older than a source.");

  private static final Set<String> FLAGS = Set.of("quick", "verbose", "help", "update");

  /** The suites whose section {@code --update} can rewrite on its own. */
  public static final Set<String> UPDATABLE_SUITES = Set.of("policies");

  /** Parses the arguments; throws {@link IllegalArgumentException} with a readable message. */
  public static BenchmarkOptions parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "' (options look like --name=value)");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      String value = eq < 0 ? null : arg.substring(eq + 1);
      if (value == null && !FLAGS.contains(name)) {
        throw new IllegalArgumentException("option --" + name + " needs a value: --" + name + "=...");
      }
      values.put(name, value == null ? "true" : value);
    }
    List<String> known = List.of("quick", "suites", "models", "parallelism", "sizes", "repeats",
        "tf-batches", "forest-trees", "forest-depth", "out", "testdata", "work", "note", "command",
        "verbose", "help", "modes", "rate", "kafka-rate", "seconds", "warmup-seconds", "swaps",
        "swap-interval", "slow-forest-trees", "heap-types", "app-args", "policy-rates", "policy-budget",
        "policy-latency", "policy-seed", "policy-models", "update");
    for (String name : values.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; --help lists the options");
      }
    }
    boolean quick = Boolean.parseBoolean(values.getOrDefault("quick", "false"));
    List<String> suites = list(values.getOrDefault("suites", String.join(",", BenchmarkMain.SUITES.keySet())));
    for (String suite : suites) {
      if (!BenchmarkMain.SUITES.containsKey(suite)) {
        throw new IllegalArgumentException(
            "unknown suite '" + suite + "'; the suites are " + BenchmarkMain.SUITES.keySet());
      }
    }
    List<BenchmarkModel> models = new ArrayList<>();
    for (String m : list(values.getOrDefault("models", quick ? "tree,mlp" : "tree,linear,forest,mlp"))) {
      models.add(BenchmarkModel.byId(m));
    }
    List<Integer> parallelism = positiveInts("parallelism", values.getOrDefault("parallelism", "1,2"));
    long[] sizes = null;
    if (values.containsKey("sizes")) {
      List<String> s = list(values.get("sizes"));
      if (s.size() != 2) {
        throw new IllegalArgumentException("--sizes takes two record counts, N1,N2; was " + values.get("sizes"));
      }
      sizes = new long[] {count(s.get(0)), count(s.get(1))};
      if (sizes[0] < 1 || sizes[1] <= sizes[0]) {
        throw new IllegalArgumentException("--sizes needs 1 <= N1 < N2; was " + values.get("sizes"));
      }
    }
    int repeats = positiveInt("repeats", values.getOrDefault("repeats", quick ? "1" : "2"));
    List<Integer> batches = positiveInts("tf-batches", values.getOrDefault("tf-batches", "1,16,256"));
    WineForestTrainer.Params forest = WineForestTrainer.Params.of(
        positiveInt("forest-trees", values.getOrDefault("forest-trees", "50")),
        positiveInt("forest-depth", values.getOrDefault("forest-depth", "8")));
    Path out = Paths.get(values.getOrDefault("out", quick ? "benchmarks/target/benchmarks-quick" : "docs"));
    boolean update = Boolean.parseBoolean(values.getOrDefault("update", "false"));
    if (update && !UPDATABLE_SUITES.containsAll(suites)) {
      throw new IllegalArgumentException("--update rewrites only the sections of " + UPDATABLE_SUITES
          + " (the other suites share the report's tables and targets); was --suites=" + String.join(",", suites));
    }
    return new BenchmarkOptions(
        quick, suites, models, parallelism, sizes, repeats, batches, out,
        Paths.get(values.getOrDefault("testdata", "testdata/files")),
        Paths.get(values.getOrDefault("work", "benchmarks/target/work")),
        forest,
        values.getOrDefault("note", ""),
        values.getOrDefault("command", "benchmarks/run.sh " + String.join(" ", args)).trim(),
        Boolean.parseBoolean(values.getOrDefault("verbose", "false")),
        load(values, quick),
        policy(values, quick),
        update);
  }

  private static PolicyOptions policy(Map<String, String> values, boolean quick) {
    PolicyOptions d = PolicyOptions.defaults(quick);
    List<Double> rates = new ArrayList<>();
    if (values.containsKey("policy-rates")) {
      for (int rate : positiveInts("policy-rates", values.get("policy-rates"))) {
        rates.add((double) rate);
      }
    } else {
      rates.addAll(d.rates());
    }
    List<BenchmarkModel> models = new ArrayList<>();
    if (values.containsKey("policy-models")) {
      for (String m : list(values.get("policy-models"))) {
        models.add(BenchmarkModel.byId(m));
      }
    } else {
      models.addAll(d.models());
    }
    String latency = values.getOrDefault("policy-latency", d.slowLatency());
    try {
      dev.modelserving.beam.benchmarks.policies.LatencyDistribution.parse(latency, 0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--policy-latency: " + e.getMessage());
    }
    long seed;
    try {
      seed = Long.parseLong(values.getOrDefault("policy-seed", Long.toString(d.seed())).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--policy-seed must be a whole number, was " + values.get("policy-seed"));
    }
    return new PolicyOptions(rates,
        positiveInt("policy-budget", values.getOrDefault("policy-budget", Long.toString(d.budgetMillis()))),
        latency, seed, models);
  }

  private static LoadOptions load(Map<String, String> values, boolean quick) {
    LoadOptions d = LoadOptions.defaults(quick);
    List<ServingMode> modes = new ArrayList<>();
    if (values.containsKey("modes")) {
      for (String m : list(values.get("modes"))) {
        switch (m.toLowerCase(java.util.Locale.ROOT)) {
          case "keyed" -> modes.add(ServingMode.KEYED);
          case "broadcast" -> modes.add(ServingMode.BROADCAST);
          default -> throw new IllegalArgumentException("unknown mode '" + m + "'; the modes are keyed, broadcast");
        }
      }
    } else {
      modes.addAll(d.modes());
    }
    return new LoadOptions(modes,
        values.containsKey("rate") ? positiveInt("rate", values.get("rate")) : 0,
        values.containsKey("kafka-rate") ? positiveInt("kafka-rate", values.get("kafka-rate")) : 0,
        positiveInt("seconds", values.getOrDefault("seconds", Integer.toString(d.seconds()))),
        positiveInt("warmup-seconds", values.getOrDefault("warmup-seconds", Integer.toString(d.warmupSeconds()))),
        positiveInt("swaps", values.getOrDefault("swaps", Integer.toString(d.swaps()))),
        positiveSeconds("swap-interval", values.getOrDefault("swap-interval", Double.toString(d.swapIntervalSeconds()))),
        positiveInt("slow-forest-trees", values.getOrDefault("slow-forest-trees", Integer.toString(d.slowForestTrees()))),
        positiveInt("heap-types", values.getOrDefault("heap-types", Integer.toString(d.heapTypes()))),
        appArgs(values.getOrDefault("app-args", "")));
  }

  private static List<String> appArgs(String value) {
    List<String> args = new ArrayList<>();
    for (String arg : value.trim().split("\\s+")) {
      if (arg.isEmpty()) {
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("--app-args holds the app's own options, each --name=value; got '" + arg + "'");
      }
      args.add(arg);
    }
    return args;
  }

  private static double positiveSeconds(String name, String value) {
    try {
      double v = Double.parseDouble(value.trim());
      if (v > 0 && v < 3600) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " must be a number of seconds above 0, was " + value);
  }

  /** The serving modes of the ServeModels suites. */
  public List<ServingMode> modes() {
    return load.modes();
  }

  /** Whether --help was given. */
  public static boolean wantsHelp(String... args) {
    return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
  }

  /** The two run sizes of a model: {@code --sizes} if given, else the model's (quick) defaults. */
  public long[] sizesFor(BenchmarkModel model) {
    if (sizes != null) {
      return sizes.clone();
    }
    return quick ? model.quickSizes() : model.defaultSizes();
  }

  /** The two ServeModels run sizes of a model: {@code --sizes} if given, else the model's (quick) serve sizes. */
  public long[] serveSizesFor(BenchmarkModel model) {
    if (sizes != null) {
      return sizes.clone();
    }
    return quick ? model.quickServeSizes() : model.serveSizes();
  }

  private static List<String> list(String csv) {
    List<String> items = new ArrayList<>();
    for (String item : csv.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException("empty list: '" + csv + "'");
    }
    return items;
  }

  private static List<Integer> positiveInts(String name, String csv) {
    List<Integer> out = new ArrayList<>();
    for (String item : list(csv)) {
      out.add(positiveInt(name, item));
    }
    return out;
  }

  private static int positiveInt(String name, String value) {
    long v = count(value);
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--" + name + " must be a positive whole number, was " + value);
    }
    return (int) v;
  }

  /** A count, with an optional k or M suffix: "250k", "4M". */
  static long count(String value) {
    String v = value.trim();
    long scale = 1;
    if (v.endsWith("k") || v.endsWith("K")) {
      scale = 1_000;
      v = v.substring(0, v.length() - 1);
    } else if (v.endsWith("M") || v.endsWith("m")) {
      scale = 1_000_000;
      v = v.substring(0, v.length() - 1);
    }
    try {
      return Math.multiplyExact(Long.parseLong(v.replace("_", "")), scale);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("not a count: '" + value + "' (write e.g. 4000000, 4M or 250k)");
    }
  }
}

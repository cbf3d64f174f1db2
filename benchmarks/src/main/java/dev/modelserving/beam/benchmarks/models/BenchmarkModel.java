package dev.modelserving.beam.benchmarks.models;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The models every suite scores the workload with. */
public enum BenchmarkModel {
  /** The committed CART classification tree, {@code wine-tree.pmml}. */
  TREE("tree", Kind.PMML, new long[] {2_000_000, 8_000_000}, new long[] {200_000, 800_000},
      new long[] {1_000_000, 3_000_000}, new long[] {100_000, 300_000}),
  /** The committed least-squares regression, {@code wine-linear.pmml}. */
  LINEAR("linear", Kind.PMML, new long[] {2_000_000, 8_000_000}, new long[] {200_000, 800_000},
      new long[] {1_000_000, 3_000_000}, new long[] {100_000, 300_000}),
  /** A random forest generated at run time (by default 50 trees of depth 8). */
  FOREST("forest", Kind.PMML, new long[] {100_000, 400_000}, new long[] {10_000, 40_000},
      new long[] {200_000, 600_000}, new long[] {20_000, 60_000}),
  /**
   * The committed TensorFlow SavedModel {@code wine-mlp}: one packed [-1, 11] float input. The
   * native job scores it a record per call; ServeModels in batches, many times faster.
   */
  MLP("mlp", Kind.TENSORFLOW, new long[] {100_000, 400_000}, new long[] {10_000, 40_000},
      new long[] {1_000_000, 3_000_000}, new long[] {100_000, 300_000});

  /** How a model is stored and evaluated. */
  public enum Kind {
    /** A PMML document, evaluated by JPMML-Evaluator. */
    PMML("pmml"),
    /** The zip of a SavedModel directory, run by a TensorFlow session. */
    TENSORFLOW("tensorflow-saved-model");

    private final String format;

    Kind(String format) {
      this.format = format;
    }

    /** The format id of the model message ({@code ModelDescriptor.format}). */
    public String format() {
      return format;
    }
  }

  private final String id;
  private final Kind kind;
  private final long[] sizes;
  private final long[] quickSizes;
  private final long[] serveSizes;
  private final long[] quickServeSizes;

  BenchmarkModel(String id, Kind kind, long[] sizes, long[] quickSizes, long[] serveSizes, long[] quickServeSizes) {
    this.id = id;
    this.kind = kind;
    this.sizes = sizes;
    this.quickSizes = quickSizes;
    this.serveSizes = serveSizes;
    this.quickServeSizes = quickServeSizes;
  }

  /** The short name used on the command line and in the report. */
  public String id() {
    return id;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The default record counts of the two runs whose difference gives the marginal throughput: the
   * costly models get fewer records, so that each run takes seconds, not minutes.
   */
  public long[] defaultSizes() {
    return sizes.clone();
  }

  /** The record counts of a quick (smoke-test) run: a few seconds each. */
  public long[] quickSizes() {
    return quickSizes.clone();
  }

  /**
   * The record counts of the ServeModels throughput runs: sized for the pipeline's own speed, so
   * the large run takes seconds, not minutes (the suite runs many more setups than the native one).
   */
  public long[] serveSizes() {
    return serveSizes.clone();
  }

  /** The ServeModels record counts of a quick run. */
  public long[] quickServeSizes() {
    return quickServeSizes.clone();
  }

  /** The model named {@code id} ("tree", "linear", "forest", "mlp"). */
  public static BenchmarkModel byId(String id) {
    for (BenchmarkModel m : values()) {
      if (m.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown model '" + id + "'; the models are "
            + Arrays.stream(values()).map(BenchmarkModel::id).collect(Collectors.joining(", ")));
  }
}

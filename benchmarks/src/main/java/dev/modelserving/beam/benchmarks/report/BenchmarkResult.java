package dev.modelserving.beam.benchmarks.report;

import java.util.Objects;

/**
 * One figure of the report: how many records a second one way of scoring ({@code suite} and
 * {@code variant}) gets through with one model at one parallelism, and how that compares with the
 * raw evaluator and with the native Flink job on the same model and parallelism.
 *
 * @param suite the way of scoring, e.g. {@link Suites#RAW} or {@link Suites#NATIVE_FLINK}
 * @param variant what distinguishes figures within a suite, e.g. "batch 16"
 * @param model the model id, e.g. "tree"
 * @param parallelism Flink parallelism, or benchmark threads for the raw evaluators
 * @param recordsPerSecond the figure: median (raw) or marginal (pipelines) records a second
 * @param low the low end of the spread (NaN when unknown)
 * @param high the high end of the spread (NaN when unknown)
 * @param rawBaseline whether this is the raw figure others are compared with for its model and
 *     parallelism (for TensorFlow, batch 1: one record per call, as the pipelines score)
 * @param ratioToRaw {@code recordsPerSecond} over the raw baseline's (NaN when there is none)
 * @param ratioToNative {@code recordsPerSecond} over native Flink's (NaN when there is none)
 * @param notes how the figure was measured, in a few words
 */
public record BenchmarkResult(
    String suite,
    String variant,
    String model,
    int parallelism,
    double recordsPerSecond,
    double low,
    double high,
    boolean rawBaseline,
    double ratioToRaw,
    double ratioToNative,
    String notes) {

  public BenchmarkResult {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(model, "model");
    notes = notes == null ? "" : notes;
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
  }

  /** A figure without ratios yet; {@link Ratios#apply} fills them in. */
  public static BenchmarkResult of(
      String suite, String variant, String model, int parallelism, double recordsPerSecond,
      double low, double high, boolean rawBaseline, String notes) {
    return new BenchmarkResult(suite, variant, model, parallelism, recordsPerSecond, low, high,
        rawBaseline, Double.NaN, Double.NaN, notes);
  }

  /** This figure with the given ratios. */
  public BenchmarkResult withRatios(double ratioToRaw, double ratioToNative) {
    return new BenchmarkResult(suite, variant, model, parallelism, recordsPerSecond, low, high,
        rawBaseline, ratioToRaw, ratioToNative, notes);
  }

  /** The suite and the variant, e.g. "raw: JPMML evaluate". */
  public String label() {
    return variant.isEmpty() ? suite : suite + ": " + variant;
  }
}

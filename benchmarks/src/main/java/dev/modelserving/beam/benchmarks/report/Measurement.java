package dev.modelserving.beam.benchmarks.report;

/**
 * One timed run of a pipeline: {@code records} records in {@code seconds} of wall-clock time,
 * start-up included.
 *
 * @param scored how many records the run reports as scored (equals {@code records} when nothing
 *     was lost)
 */
public record Measurement(
    String suite, String variant, String model, int parallelism, long records, long scored, double seconds) {

  /** Records a second of this run alone, start-up included. */
  public double recordsPerSecond() {
    return records / seconds;
  }
}

package dev.modelserving.beam.benchmarks.flink;

/** A scored record of the native Flink job: a Flink POJO. */
public class ScoredWine {
  public long seq;
  /** The numeric prediction, or NaN for a classification. */
  public double value;
  /** The predicted class, or null for a regression. */
  public String label;
  /** The model that scored it, {@code name@version}. */
  public String model;

  public ScoredWine() {}

  @Override
  public String toString() {
    return "#" + seq + " " + (label != null ? label : Double.toString(value)) + " by " + model;
  }
}

package dev.modelserving.beam.training;

import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled example, ready for training: its raw feature values in the spec's order, its label
 * (a class index, or the value for regression), whether it is held out, its event time, and the
 * record it came from (for error messages).
 */
final class Example {
  final double[] features;
  final double label;
  final boolean holdout;
  final long timestampMillis;

  Example(double[] features, double label, boolean holdout, long timestampMillis) {
    this.features = features;
    this.label = label;
    this.holdout = holdout;
    this.timestampMillis = timestampMillis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Example e && Arrays.equals(features, e.features) && label == e.label
        && holdout == e.holdout && timestampMillis == e.timestampMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(features), label, holdout, timestampMillis);
  }

  @Override
  public String toString() {
    return (holdout ? "holdout " : "") + Arrays.toString(features) + " -> " + label + " @" + timestampMillis;
  }
}

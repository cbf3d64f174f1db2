package dev.modelserving.beam.training;

import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled example, ready for training: its raw feature values in the spec's order, its label
 * (a class index, or the value for regression), whether it is held out, and its event time. A
 * distilled example's label is the teacher's answer; its {@code reference} is the record's own
 * label in the same encoding, or NaN when the record has none.
 */
final class Example {
  final double[] features;
  final double label;
  final double reference;
  final boolean holdout;
  final long timestampMillis;

  Example(double[] features, double label, boolean holdout, long timestampMillis) {
    this(features, label, Double.NaN, holdout, timestampMillis);
  }

  Example(double[] features, double label, double reference, boolean holdout, long timestampMillis) {
    this.features = features;
    this.label = label;
    this.reference = reference;
    this.holdout = holdout;
    this.timestampMillis = timestampMillis;
  }

  boolean hasReference() {
    return !Double.isNaN(reference);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Example e && Arrays.equals(features, e.features) && label == e.label
        && Double.compare(reference, e.reference) == 0 && holdout == e.holdout
        && timestampMillis == e.timestampMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(features), label, reference, holdout, timestampMillis);
  }

  @Override
  public String toString() {
    return (holdout ? "holdout " : "") + Arrays.toString(features) + " -> " + label
        + (hasReference() ? " (label " + reference + ")" : "") + " @" + timestampMillis;
  }
}

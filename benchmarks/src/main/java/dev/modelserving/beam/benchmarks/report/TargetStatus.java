package dev.modelserving.beam.benchmarks.report;

import java.util.Objects;

/**
 * Where one target of the issue stands after a run.
 *
 * @param target the target, as the issue states it
 * @param figure the measured figure it is judged on, in words and numbers (or why there is none)
 * @param status whether it was met
 */
public record TargetStatus(String target, String figure, Status status) {
  /** Met, missed, or not measured in this run. */
  public enum Status {
    MET("met"),
    MISSED("missed"),
    NOT_MEASURED("not measured");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public TargetStatus {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(figure, "figure");
    Objects.requireNonNull(status, "status");
  }

  /** Met when {@code met} is true, else missed. */
  public static TargetStatus judged(String target, String figure, boolean met) {
    return new TargetStatus(target, figure, met ? Status.MET : Status.MISSED);
  }

  /** A target this run has no figure for, with the reason. */
  public static TargetStatus notMeasured(String target, String why) {
    return new TargetStatus(target, why, Status.NOT_MEASURED);
  }
}

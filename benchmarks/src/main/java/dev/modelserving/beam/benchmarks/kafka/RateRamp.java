package dev.modelserving.beam.benchmarks.kafka;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the highest sustainable rate by trial: from {@code start}, multiply the rate by {@code
 * factor} while each trial is sustainable; after the first failure, bisect between the last
 * sustainable rate and the failed one {@code refinements} times. If the very first rate fails, the
 * ramp steps down instead, dividing by {@code factor} up to {@value #MAX_STEPS_DOWN} times, and
 * bisects above the first rate that passes. The result is the highest rate that passed (0 if none
 * did).
 */
public final class RateRamp {
  /** How often the ramp steps down below a failed start. */
  public static final int MAX_STEPS_DOWN = 3;
  private final double start;
  private final double factor;
  private final double maxRate;
  private final int refinements;

  /**
   * @param start the first rate tried
   * @param factor how much each step up multiplies the rate, above 1
   * @param maxRate no rate above this is tried (e.g. what the load generator can send)
   * @param refinements bisection steps after the first failure
   */
  public RateRamp(double start, double factor, double maxRate, int refinements) {
    if (!(start > 0) || !(factor > 1) || maxRate < start || refinements < 0) {
      throw new IllegalArgumentException(
          "need start > 0, factor > 1, maxRate >= start and refinements >= 0; were " + start + ", " + factor
              + ", " + maxRate + ", " + refinements);
    }
    this.start = start;
    this.factor = factor;
    this.maxRate = maxRate;
    this.refinements = refinements;
  }

  /** One trial: whether {@code rate} is sustainable. */
  @FunctionalInterface
  public interface Trial {
    boolean sustainable(double rate) throws Exception;
  }

  /** What a ramp found: the highest sustainable rate, the lowest failed one, and every trial in order. */
  public record Result(double sustainable, double failed, List<double[]> trials, boolean cappedAtMax) {
    /** How many rates were tried. */
    public int steps() {
      return trials.size();
    }
  }

  /** Runs the trials. Each trial is recorded as {rate, 1 if sustainable else 0}. */
  public Result run(Trial trial) throws Exception {
    List<double[]> trials = new ArrayList<>();
    double good = 0;
    double bad = Double.NaN;
    double rate = start;
    while (true) {
      boolean ok = trial.sustainable(rate);
      trials.add(new double[] {rate, ok ? 1 : 0});
      if (!ok) {
        bad = rate;
        break;
      }
      good = rate;
      if (rate >= maxRate) {
        return new Result(good, Double.NaN, trials, true);
      }
      rate = Math.min(maxRate, rate * factor);
    }
    for (int down = 0; good == 0 && down < MAX_STEPS_DOWN; down++) {
      rate = bad / factor;
      boolean ok = trial.sustainable(rate);
      trials.add(new double[] {rate, ok ? 1 : 0});
      if (ok) {
        good = rate;
      } else {
        bad = rate;
      }
    }
    if (good == 0) {
      return new Result(0, bad, trials, false);
    }
    for (int i = 0; i < refinements; i++) {
      double mid = (good + bad) / 2;
      boolean ok = trial.sustainable(mid);
      trials.add(new double[] {mid, ok ? 1 : 0});
      if (ok) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    return new Result(good, bad, trials, false);
  }
}

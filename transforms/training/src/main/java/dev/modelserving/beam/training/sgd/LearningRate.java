package dev.modelserving.beam.training.sgd;

import java.io.Serializable;

/**
 * The step size of update {@code t} (counted from 0 over the model's whole life, so a continued
 * model goes on where its schedule was): {@code initial / (1 + decay * t)}. A decay of 0 is a
 * constant rate.
 *
 * @param initial the rate of the first update, greater than 0
 * @param decay how fast the rate falls, 0 or more
 */
public record LearningRate(double initial, double decay) implements Serializable {
  public LearningRate {
    if (!(initial > 0) || Double.isInfinite(initial)) {
      throw new IllegalArgumentException("the initial learning rate must be a number greater than 0, was " + initial);
    }
    if (!(decay >= 0) || Double.isInfinite(decay)) {
      throw new IllegalArgumentException("the learning-rate decay must be a number of 0 or more, was " + decay);
    }
  }

  /** The same rate for every update. */
  public static LearningRate constant(double rate) {
    return new LearningRate(rate, 0);
  }

  /** {@code initial / (1 + decay * t)} at update {@code t}. */
  public static LearningRate inverseScaling(double initial, double decay) {
    return new LearningRate(initial, decay);
  }

  /** The rate of update {@code step}. */
  public double at(long step) {
    return initial / (1 + decay * step);
  }
}

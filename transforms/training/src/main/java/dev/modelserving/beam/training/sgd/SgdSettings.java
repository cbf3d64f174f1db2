package dev.modelserving.beam.training.sgd;

import java.io.Serializable;

/**
 * What a trainer learns and how: the model kind, its shape, the learning-rate schedule and the L2
 * penalty. The loss minimised is the mean loss of the mini-batch plus {@code l2 / 2} times the
 * sum of the squared coefficients (intercepts are not penalised).
 *
 * @param kind the model kind
 * @param features the number of input features, at least 1
 * @param classes the number of classes: 2 for binary, at least 2 for multinomial, ignored for regression
 * @param learningRate the schedule of step sizes
 * @param l2 the L2 penalty, 0 or more
 */
public record SgdSettings(ModelKind kind, int features, int classes, LearningRate learningRate, double l2)
    implements Serializable {
  public SgdSettings {
    if (kind == null || learningRate == null) {
      throw new IllegalArgumentException("SgdSettings needs a model kind and a learning rate");
    }
    if (features < 1) {
      throw new IllegalArgumentException("a model needs at least 1 feature, was " + features);
    }
    if (kind == ModelKind.BINARY_LOGISTIC && classes != 2) {
      throw new IllegalArgumentException("binary logistic regression has 2 classes, was " + classes);
    }
    if (kind == ModelKind.MULTINOMIAL_LOGISTIC && classes < 2) {
      throw new IllegalArgumentException("multinomial logistic regression needs at least 2 classes, was " + classes);
    }
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("the L2 penalty must be a number of 0 or more, was " + l2);
    }
  }

  /** The number of linear outputs: one per class for multinomial, else one. */
  public int outputs() {
    return kind.outputs(classes);
  }
}

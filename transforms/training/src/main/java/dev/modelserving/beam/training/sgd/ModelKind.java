package dev.modelserving.beam.training.sgd;

/** What a trained model predicts, which decides its loss and its number of outputs. */
public enum ModelKind {
  /** A value: squared loss, one output. */
  LINEAR_REGRESSION,
  /** One of two classes (0 or 1): log loss on the sigmoid of one output. */
  BINARY_LOGISTIC,
  /** One of {@code classes} classes: log loss on the softmax of one output per class. */
  MULTINOMIAL_LOGISTIC;

  /** The number of linear outputs a model of this kind has for {@code classes} classes. */
  int outputs(int classes) {
    return this == MULTINOMIAL_LOGISTIC ? classes : 1;
  }
}

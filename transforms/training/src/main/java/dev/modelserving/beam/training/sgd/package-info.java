/**
 * Mini-batch stochastic gradient descent for the models the trainer produces: linear regression,
 * and binary and multinomial logistic regression, with L2 regularisation and a learning-rate
 * schedule. Pure Java, no dependencies: the Beam transforms of the training package keep the
 * {@link dev.modelserving.beam.training.sgd.Weights} in state and call
 * {@link dev.modelserving.beam.training.sgd.MiniBatchSgd#step} once per mini-batch.
 */
package dev.modelserving.beam.training.sgd;

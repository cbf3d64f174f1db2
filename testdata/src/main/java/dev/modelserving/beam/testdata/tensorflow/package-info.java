/**
 * TensorFlow demo models for the wine data set: a small MLP trained in TensorFlow Java and exported
 * as a SavedModel (packed input), a SavedModel with one named input per feature (like a model made
 * in Python), and a frozen GraphDef.
 *
 * <p>API traps met with TensorFlow Java 1.1.0 (tensorflow-core-api):
 *
 * <ul>
 *   <li>{@code Shape} exists twice: {@code org.tensorflow.ndarray.Shape} (the tensor shape, used
 *       here) and {@code org.tensorflow.op.core.Shape} (the op). Import the ndarray one explicitly.
 *   <li>{@code Session.Runner.run()} returns a {@code Result} that owns the fetched tensors: close
 *       it (try-with-resources), not only the tensors.
 *   <li>tensorflow-framework (optimizers) is not used: training uses core ops only, {@code
 *       tf.gradients} and {@code tf.train.applyGradientDescent} on {@code tf.variable}s.
 *   <li>Graph operation names may not contain spaces, but signature keys may: the "named" model
 *       keys its inputs "fixed acidity" etc. while the placeholders are called "fixed_acidity".
 * </ul>
 */
package dev.modelserving.beam.testdata.tensorflow;

/**
 * TensorFlow model formats: {@code "tensorflow-saved-model"} ({@link
 * dev.modelserving.beam.format.tensorflow.SavedModelFormat}, the zip of a SavedModel directory) and
 * {@code "tensorflow-frozen-graph"} ({@link
 * dev.modelserving.beam.format.tensorflow.FrozenGraphFormat}, a serialized GraphDef with its
 * weights as constants). Both are found by {@link java.util.ServiceLoader} when this module is on
 * the classpath.
 *
 * <p>{@code Scorer.scoreBatch} makes one session run per batch: one tensor per input, one row per
 * record. A record whose values cannot be fed fails alone. A model whose inputs fix the batch
 * dimension at n &gt; 1 reports n as {@code maxBatchSize()} and shorter batches are padded to n rows;
 * a model that takes one record per run (a scalar input, a batch dimension fixed at 1, or outputs
 * found not to follow the batch) is scored record by record.
 *
 * <p>Notes on TensorFlow Java 1.1.0: {@code Shape} is ambiguous ({@code
 * org.tensorflow.ndarray.Shape} is the tensor shape, {@code org.tensorflow.op.core.Shape} an op);
 * {@code Session.Runner.run()} returns a {@code Result} that owns the fetched tensors and must be
 * closed; {@code Shape.unknown().toString()} is {@code "null"}, so shapes are described with
 * {@link dev.modelserving.beam.format.tensorflow.TensorDescriptions}.
 */
package dev.modelserving.beam.format.tensorflow;

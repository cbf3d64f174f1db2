package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/** Turns one record into the input tensors of a session run. Immutable and thread-safe. */
interface InputFeed {

  /** The record fields read, in feed order. */
  List<String> requiredFields();

  /**
   * Creates the record's input tensors and feeds them to the runner. Every tensor created is added
   * to {@code created} first, so that the caller closes it even if a later value is bad.
   */
  void feed(Session.Runner runner, Features features, List<Tensor> created)
      throws InvalidRecordException;
}

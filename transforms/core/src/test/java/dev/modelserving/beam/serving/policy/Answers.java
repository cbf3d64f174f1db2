package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.record.ModelAnswer;
import java.util.Map;

/** Model answers for the decision tests. */
final class Answers {
  private Answers() {}

  static ModelAnswer label(String model, String label, double p) {
    return answered(model, ModelOutput.label(label, Map.of(label, p)));
  }

  static ModelAnswer label(String model, String label) {
    return answered(model, ModelOutput.label(label, Map.of()));
  }

  static ModelAnswer value(String model, double value) {
    return answered(model, ModelOutput.value(value));
  }

  static ModelAnswer timedOut(String model) {
    return new ModelAnswer(model, "1", model + "-1", "model", ModelAnswer.Status.TIMED_OUT, null, "no answer within 20 ms", 0);
  }

  static ModelAnswer failed(String model, String why) {
    return new ModelAnswer(model, "1", model + "-1", "model", ModelAnswer.Status.FAILED, null, why, 0);
  }

  static ModelAnswer answered(String model, ModelOutput output) {
    return new ModelAnswer(model, "1", model + "-1", "model", ModelAnswer.Status.ANSWERED, output, null, 1_000);
  }
}

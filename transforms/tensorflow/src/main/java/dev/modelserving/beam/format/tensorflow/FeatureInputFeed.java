package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/** Feeds every model input from its own record field. */
final class FeatureInputFeed implements InputFeed {
  private final List<FeatureInput> inputs;
  private final List<String> fields;

  FeatureInputFeed(List<FeatureInput> inputs) {
    this.inputs = List.copyOf(inputs);
    List<String> f = new ArrayList<>();
    for (FeatureInput in : inputs) {
      if (!f.contains(in.field)) {
        f.add(in.field);
      }
    }
    this.fields = List.copyOf(f);
  }

  @Override
  public List<String> requiredFields() {
    return fields;
  }

  @Override
  public void feed(Session.Runner runner, Features features, List<Tensor> created)
      throws InvalidRecordException {
    for (FeatureInput in : inputs) {
      Tensor t = in.tensor(features);
      created.add(t);
      runner.feed(in.target(), t);
    }
  }
}

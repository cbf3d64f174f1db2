package dev.modelserving.beam.pipeline.demo;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The canary demo: a stable model (the PMML linear regression) and a canary (the TensorFlow MLP)
 * under the routed policy. At start a routing message sends the canary its first weight of {@code
 * --canaryWeights} (10%), and every interval the next one (50%, then 100%): the split changes
 * while the pipeline runs, without a restart, and the console prints the split it observed.
 */
final class CanaryScenario implements DemoScenario {
  static final String STABLE = "wine-linear";
  static final String CANARY = "wine-mlp";

  private final ModelPublisher publisher;
  private final DemoOptions options;
  private final Path models;
  private final List<Double> weights;
  private int next;

  CanaryScenario(ModelPublisher publisher, DemoOptions options, Path models) {
    this.publisher = publisher;
    this.options = options;
    this.models = models;
    this.weights = weights(options.getCanaryWeights());
  }

  /**
   * Parses {@code --canaryWeights}: percentages from 0 to 100, comma-separated.
   *
   * @throws IllegalArgumentException naming the option, for no weight or one out of range
   */
  static List<Double> weights(String value) {
    List<Double> weights = new ArrayList<>();
    for (String part : value == null ? new String[0] : value.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      double w;
      try {
        w = Double.parseDouble(part.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--canaryWeights takes percentages, e.g. 10,50,100; '" + part.trim()
            + "' is not a number", e);
      }
      if (!(w >= 0 && w <= 100)) {
        throw new IllegalArgumentException("--canaryWeights takes percentages from 0 to 100, was " + part.trim());
      }
      weights.add(w);
    }
    if (weights.isEmpty()) {
      throw new IllegalArgumentException("--canaryWeights needs at least one percentage, e.g. 10,50,100");
    }
    return weights;
  }

  /** The routing that gives the canary {@code percent} of the records; the canary is listed last. */
  static Routing routing(double percent) {
    return Routing.newBuilder()
        .addWeights(ModelWeight.newBuilder().setModel(STABLE).setWeight(100 - percent))
        .addWeights(ModelWeight.newBuilder().setModel(CANARY).setWeight(percent))
        .build();
  }

  @Override
  public void start() {
    try {
      publisher.send(options.getModelTopic(), ModelPublisher.describe(models.resolve("wine-linear.pmml"),
          new PublishOptions().name(STABLE).dataType(WineSchema.DATA_TYPE).version("1").description("the stable model")));
      publisher.send(options.getModelTopic(), ModelPublisher.describe(models.resolve("wine-mlp"),
          new PublishOptions().name(CANARY).dataType(WineSchema.DATA_TYPE).version("1").description("the canary")
              .tensorColumns(WineSchema.NUMERIC_FEATURES).outputs(List.of("quality"))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the demo models: " + e.getMessage(), e);
    }
    System.out.printf(String.join("%n",
        ">>> published '%s' (the stable model) and '%s' (the canary)",
        "Policy: %s. A routing message on the model topic splits the records by weight; a record sticks to",
        "its model by the hash of its id, so raising the canary's weight keeps every record it already had.",
        "Every %d s the canary gets its next weight (--canaryWeights=%s) and the table shows the split observed.%n"),
        STABLE, CANARY, options.getPolicy(), options.getModelIntervalSeconds(), options.getCanaryWeights());
    step();
  }

  @Override
  public synchronized void step() {
    if (next >= weights.size()) {
      return;
    }
    double percent = weights.get(next++);
    ModelDescriptor route = ModelDescriptors.route(WineSchema.DATA_TYPE, routing(percent));
    publisher.send(options.getModelTopic(), route);
    System.out.printf("%n>>> routing: %s (the canary at %.0f%%)%n%n", ModelDescriptors.describe(route.getRouting()),
        percent);
  }
}

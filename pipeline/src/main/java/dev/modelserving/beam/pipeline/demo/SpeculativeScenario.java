package dev.modelserving.beam.pipeline.demo;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import dev.modelserving.beam.testdata.WineSchema;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The speculative demo: a fast model (the PMML linear regression, a few microseconds a record) and
 * a slow one (a random forest of {@code --slowForestTrees} trees grown at start, about a tenth of a
 * millisecond a record once warm) under the speculative policy. Batches of about 20 records make
 * each forest call take several milliseconds, past the 1 ms budget, so the fast model answers and
 * the forest is reported as timed out.
 */
final class SpeculativeScenario implements DemoScenario {
  /** The fast model, always waited for. */
  static final String FAST = "wine-linear";
  /** The slow model, preferred when it answers in time. */
  static final String SLOW = "wine-forest";

  private final ModelPublisher publisher;
  private final DemoOptions options;
  private final Path testdata;

  SpeculativeScenario(ModelPublisher publisher, DemoOptions options, Path testdata) {
    this.publisher = publisher;
    this.options = options;
    this.testdata = testdata;
  }

  @Override
  public void start() {
    WineForestTrainer.Params params = WineForestTrainer.Params.of(options.getSlowForestTrees(), options.getSlowForestDepth());
    System.out.printf("Growing the slow model: a random forest of %d trees of depth %d (a few seconds) ...%n",
        params.trees(), params.maxDepth());
    try {
      Path dir = Files.createTempDirectory("demo-forest");
      dir.toFile().deleteOnExit();
      Path forest = WineForestTrainer.train(testdata.resolve("wine.csv"), dir, 42, params);
      forest.toFile().deleteOnExit();
      ModelDescriptor fast = ModelPublisher.describe(testdata.resolve("models/wine-linear.pmml"),
          new PublishOptions().name(FAST).dataType(WineSchema.DATA_TYPE).version("1").description("the fast model"));
      // sent as its location: the pipeline reads the file itself, the message stays small
      ModelDescriptor slow = ModelPublisher.describe(forest, new PublishOptions().name(SLOW)
          .dataType(WineSchema.DATA_TYPE).version("1").description("the slow model: " + params.fileName())
          .locationOfFile());
      publisher.send(options.getModelTopic(), fast);
      publisher.send(options.getModelTopic(), slow);
      System.out.printf(">>> published '%s' (the fast model) and '%s' (the slow one, %d MB of PMML)%n%n", FAST, SLOW,
          Files.size(forest) >> 20);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the demo's slow model: " + e.getMessage(), e);
    }
    System.out.printf(String.join("%n",
        "Policy: %s. Every batch goes to both models at once; when the %d ms budget (--latencyBudgetMillis)",
        "expires, the most preferred model that answered wins ('%s', --preferModels), and the fast model",
        "'%s' (--fastModel) is always waited for: speculative/preferred or speculative/fast.",
        "How the slow model misses the budget: the forest needs about 0.1 ms per record once warm (%d trees",
        "of depth %d; measured on a 2-core machine), and records are served in batches of about %d",
        "(--minBatchSize, at %.0f records/s), so one forest call takes several ms. The linear regression",
        "takes a few µs per record. Every %d s the table below counts, per model, the records it won,",
        "those it answered too late ('timed out') and those it was skipped for, still busy with a late batch.",
        "Raise --latencyBudgetMillis (e.g. 50) to see the forest win.%n%n"),
        options.getPolicy(), options.getLatencyBudgetMillis(), SLOW, FAST, params.trees(), params.maxDepth(),
        options.getMinBatchSize(), options.getRecordsPerSecond(), options.getModelIntervalSeconds());
  }

  @Override
  public void step() {
    // the models stay; the console prints the interval's tally
  }
}

package dev.modelserving.beam.pipeline.demo;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Publishes the next model of a fixed cycle each time it is called, like a model registry would:
 * PMML regression, TensorFlow SavedModel, PMML tree, frozen TensorFlow graph, a SavedModel with its
 * own signature and input names, and one corrupt model that must be rejected while the previous
 * model keeps serving. Each name's version goes up by one per cycle.
 */
final class DemoModelCycle implements Runnable, DemoScenario {
  private final ModelPublisher publisher;
  private final String topic;
  private final List<Supplier<ModelDescriptor>> cycle;
  private final Map<String, Integer> versions = new HashMap<>();
  private int next;

  DemoModelCycle(ModelPublisher publisher, String topic, Path models) {
    this.publisher = publisher;
    this.topic = topic;
    this.cycle = List.of(
        () -> describe(models.resolve("wine-linear.pmml"), "wine-linear", new PublishOptions()),
        () -> describe(models.resolve("wine-mlp"), "wine-mlp", new PublishOptions()
            .tensorColumns(WineSchema.NUMERIC_FEATURES).outputs(List.of("quality"))),
        () -> describe(models.resolve("wine-tree.pmml"), "wine-tree", new PublishOptions()),
        () -> describe(models.resolve("wine-mlp-frozen.pb"), "wine-mlp-frozen", new PublishOptions()
            .tensorColumns(WineSchema.NUMERIC_FEATURES).tensorInput("features").outputs(List.of("quality"))),
        () -> describe(models.resolve("wine-mlp-named"), "wine-mlp-named", new PublishOptions()
            .signature("predict").inputMapping(spacedNames()).outputs(List.of("quality_score"))),
        this::corruptModel);
  }

  /** Publishes the first model of the cycle. */
  @Override
  public void start() {
    run();
  }

  /** Publishes the next model of the cycle. */
  @Override
  public void step() {
    run();
  }

  /** Publishes the next model. */
  @Override
  public synchronized void run() {
    ModelDescriptor model = cycle.get(next++ % cycle.size()).get();
    publisher.send(topic, model);
    System.out.printf("%n>>> published model '%s' version %s (%s, uuid %s)%n%n",
        model.getName(), model.getVersion(), model.getFormat(), model.getUuid());
  }

  private ModelDescriptor describe(Path file, String name, PublishOptions options) {
    try {
      return ModelPublisher.describe(file, options.name(name).dataType(WineSchema.DATA_TYPE)
          .version(nextVersion(name)).description("demo model " + name));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read demo model " + file + ": " + e.getMessage(), e);
    }
  }

  private ModelDescriptor corruptModel() {
    String name = "wine-corrupt";
    return ModelDescriptor.newBuilder()
        .setName(name).setDataType(WineSchema.DATA_TYPE).setFormat("pmml").setVersion(nextVersion(name))
        .setUuid(UUID.randomUUID().toString()).setCreatedAtMillis(System.currentTimeMillis())
        .setDescription("a broken upload: must be rejected, and the previous model must keep serving")
        .setModelBytes(ByteString.copyFrom("<PMML>truncated upload", StandardCharsets.UTF_8))
        .build();
  }

  private String nextVersion(String name) {
    return String.valueOf(versions.merge(name, 1, Integer::sum));
  }

  /** The SavedModel made like a Python export names its inputs "fixed acidity", ...: map them to our columns. */
  private static Map<String, String> spacedNames() {
    Map<String, String> mapping = new LinkedHashMap<>();
    for (String column : WineSchema.NUMERIC_FEATURES) {
      mapping.put(column.replace('_', ' '), column);
    }
    return mapping;
  }
}

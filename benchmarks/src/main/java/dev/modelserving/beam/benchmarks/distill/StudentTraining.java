package dev.modelserving.beam.benchmarks.distill;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.training.DistillModel;
import dev.modelserving.beam.training.TrainingSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Distils a student from a teacher with {@link DistillModel} on the DirectRunner, as a pipeline
 * would, and returns the last version it published. Each version is written to {@code dir} as
 * {@code <name>-<version>.pb}, so the pipeline hands its models over through files.
 */
final class StudentTraining {
  private StudentTraining() {}

  static ModelDescriptor distil(ModelDescriptor teacher, TrainingSpec student, List<String> lines, int miniBatch,
      Path dir) throws IOException {
    Path out = Files.createDirectories(dir.resolve(student.modelName()));
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    String outDir = out.toString();
    p.apply(Create.of(lines))
        .apply(WithTimestamps.of((String line) -> new Instant(1_700_000_000_000L)))
        .apply(DistillModel.<String>create().withTeacher(teacher).withStudent(student)
            .withFeatureExtractor(DistilWines::parse)
            .withRecordIdFn(line -> line.substring(0, line.indexOf(',')))
            .withMiniBatch(miniBatch, Duration.standardHours(1)))
        .getModels()
        .apply(ParDo.of(new WriteModelFn(outDir)));
    p.run().waitUntilFinish();
    List<ModelDescriptor> models = new ArrayList<>();
    try (Stream<Path> files = Files.list(out)) {
      files.filter(f -> f.toString().endsWith(".pb")).forEach(f -> models.add(read(f)));
    }
    return models.stream().max(java.util.Comparator.comparingLong(m -> Long.parseLong(m.getVersion())))
        .orElseThrow(() -> new IllegalStateException("the distillation of " + student.modelName() + " published no model"));
  }

  private static ModelDescriptor read(Path file) {
    try {
      return ModelDescriptor.parseFrom(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes each model to {@code <dir>/<name>-<version>.pb}. */
  private static final class WriteModelFn extends DoFn<ModelDescriptor, Void> {
    private final String dir;

    WriteModelFn(String dir) {
      this.dir = dir;
    }

    @ProcessElement
    public void write(@Element ModelDescriptor model) throws IOException {
      Files.write(Path.of(dir, model.getName() + "-" + model.getVersion() + ".pb"), model.toByteArray());
    }
  }
}

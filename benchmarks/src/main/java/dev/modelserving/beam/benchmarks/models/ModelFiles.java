package dev.modelserving.beam.benchmarks.models;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.testdata.WineSchema;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Where the benchmark models are: the committed ones in {@code testdata/files/models}, the random
 * forest generated into a work directory (once per shape; the file is reused when it exists).
 */
public final class ModelFiles {
  /** The seed of the generated forest and of its training split. */
  public static final long FOREST_SEED = 42L;

  private final Path testdata;
  private final Path workDir;
  private final WineForestTrainer.Params forest;

  /**
   * @param testdata the {@code testdata/files} directory (with {@code wine.csv} and {@code models/})
   * @param workDir where generated models go
   * @param forest the shape of the generated forest
   */
  public ModelFiles(Path testdata, Path workDir, WineForestTrainer.Params forest) {
    this.testdata = testdata;
    this.workDir = workDir;
    this.forest = forest;
    if (!Files.isRegularFile(testdata.resolve("wine.csv"))) {
      throw new IllegalArgumentException(
          testdata.toAbsolutePath() + " is not the testdata/files directory (it has no wine.csv);"
              + " pass --testdata=<repository>/testdata/files");
    }
  }

  /** The shape of the generated forest. */
  public WineForestTrainer.Params forestParams() {
    return forest;
  }

  /** The model's file (PMML) or directory (SavedModel); the forest is generated when missing. */
  public Path path(BenchmarkModel model) throws IOException {
    switch (model) {
      case TREE:
        return existing(testdata.resolve("models/wine-tree.pmml"));
      case LINEAR:
        return existing(testdata.resolve("models/wine-linear.pmml"));
      case MLP:
        return existing(testdata.resolve("models/wine-mlp"));
      case FOREST:
        Path file = workDir.resolve(forest.fileName());
        if (!Files.isRegularFile(file)) {
          generateForest(file);
        }
        return file;
      default:
        throw new AssertionError(model);
    }
  }

  /** The bytes a model message carries: the PMML document, or the zip of the SavedModel directory. */
  public byte[] bytes(BenchmarkModel model) throws IOException {
    Path path = path(model);
    return model.kind() == BenchmarkModel.Kind.TENSORFLOW
        ? ModelArchives.zipDirectory(path)
        : Files.readAllBytes(path);
  }

  /**
   * The model as a message for {@code ServeModels}, data type {@code wine}, version 1: the
   * TensorFlow model reads the eleven features packed into its one input.
   */
  public ModelDescriptor descriptor(BenchmarkModel model) {
    try {
      ModelDescriptor.Builder d = ModelDescriptor.newBuilder()
          .setName("wine-" + model.id())
          .setDataType(WineSchema.DATA_TYPE)
          .setFormat(model.kind().format())
          .setVersion("1")
          .setUuid(UUID.nameUUIDFromBytes(("benchmark-" + model.id()).getBytes()).toString())
          .setCreatedAtMillis(1L)
          .setModelBytes(ByteString.copyFrom(bytes(model)));
      if (model.kind() == BenchmarkModel.Kind.TENSORFLOW) {
        d.setInputMapping(InputMapping.newBuilder().addAllTensorColumns(WineSchema.NUMERIC_FEATURES));
      }
      return d.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read benchmark model " + model.id() + ": " + e.getMessage(), e);
    }
  }

  /** Trains the forest in a scratch directory and moves it into place, so no half-written file is reused. */
  private void generateForest(Path file) throws IOException {
    Files.createDirectories(workDir);
    Path scratch = Files.createTempDirectory(workDir, "forest-");
    try {
      Path made = WineForestTrainer.train(testdata.resolve("wine.csv"), scratch, FOREST_SEED, forest);
      Files.move(made, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      ModelArchives.deleteRecursively(scratch);
    }
  }

  private static Path existing(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new IOException("benchmark model " + path + " does not exist (is --testdata right?)");
    }
    return path;
  }
}

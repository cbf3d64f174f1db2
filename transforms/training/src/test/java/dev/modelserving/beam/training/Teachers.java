package dev.modelserving.beam.training;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.testdata.WineDataGenerator;
import dev.modelserving.beam.testdata.WineSchema;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Teachers for distillation, made by the project's own trainers: a PMML random forest of the
 * quality class, grown here from testdata's wines, and testdata's TensorFlow network of the quality.
 * Records are generated wines as CSV lines.
 */
final class Teachers {
  static final List<String> CLASSES = List.of("low", "medium", "high");
  static final String QUALITY_CLASS = "quality_class";

  private Teachers() {}

  /** {@code n} generated wines as CSV lines ({@link WineSchema#COLUMNS}), from {@code seed}. */
  static List<String> wines(long seed, int n) {
    WineDataGenerator g = new WineDataGenerator(seed);
    List<String> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lines.add(g.next().toCsv());
    }
    return lines;
  }

  /** A wine line's features: the numbers, {@code wine_type}, {@code quality} and its {@code quality_class}. */
  static final SerializableFunction<String, Features> FEATURES = line -> {
    String[] cells = line.split(",", -1);
    Features.Builder b = Features.builder();
    for (int c = 2; c < WineSchema.COLUMNS.size() && c < cells.length; c++) {
      String name = WineSchema.COLUMNS.get(c);
      if (cells[c].isEmpty()) {
        b.putObject(name, null);
      } else if (name.equals(WineSchema.WINE_TYPE)) {
        b.put(name, cells[c]);
      } else {
        try {
          b.put(name, Double.parseDouble(cells[c]));
        } catch (NumberFormatException e) {
          b.put(name, cells[c]);
        }
      }
    }
    if (cells.length == WineSchema.COLUMNS.size() && !cells[cells.length - 1].isEmpty()) {
      int quality = Integer.parseInt(cells[cells.length - 1]);
      b.put(QUALITY_CLASS, quality <= 5 ? "low" : quality == 6 ? "medium" : "high");
    }
    return b.build();
  };

  static final SerializableFunction<String, String> ID = line -> line.split(",", -1)[0];

  /** A forest of {@code trees} trees of depth {@code depth}, grown on testdata's wine.csv with seed 42. */
  static ModelDescriptor forest(Path dir, int trees, int depth) throws IOException {
    Path file = WineForestTrainer.train(testdata().resolve("wine.csv"), dir, 42, WineForestTrainer.Params.of(trees, depth));
    return ModelDescriptor.newBuilder().setName("wine-forest").setDataType("wine").setFormat("pmml").setVersion("3")
        .setUuid("forest-uuid").setModelBytes(ByteString.copyFrom(Files.readAllBytes(file))).build();
  }

  /** testdata's TensorFlow network: eleven packed features in, the quality out. */
  static ModelDescriptor mlp() throws IOException {
    return ModelDescriptor.newBuilder().setName("wine-mlp").setDataType("wine").setFormat("tensorflow-saved-model")
        .setVersion("2").setUuid("mlp-uuid")
        .setModelBytes(ByteString.copyFrom(ModelArchives.zipDirectory(testdata().resolve("models").resolve("wine-mlp"))))
        .setInputMapping(InputMapping.newBuilder().addAllTensorColumns(WineSchema.NUMERIC_FEATURES))
        .build();
  }

  static Path testdata() {
    return Paths.get(System.getProperty("testdata.dir"));
  }
}

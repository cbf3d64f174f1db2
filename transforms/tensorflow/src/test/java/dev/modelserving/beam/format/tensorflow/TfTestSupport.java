package dev.modelserving.beam.format.tensorflow;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Paths, rows and descriptors shared by the TensorFlow format tests. */
final class TfTestSupport {
  /** The eleven numeric wine features, in the column order the demo models expect. */
  static final List<String> FEATURES =
      List.of(
          "fixed_acidity", "volatile_acidity", "citric_acid", "residual_sugar", "chlorides",
          "free_sulfur_dioxide", "total_sulfur_dioxide", "density", "pH", "sulphates", "alcohol");

  private TfTestSupport() {}

  static Path testdata() {
    String dir = System.getProperty("testdata.dir");
    if (dir == null) {
      throw new IllegalStateException("system property testdata.dir is not set (surefire sets it)");
    }
    return Paths.get(dir);
  }

  static Path models() {
    return testdata().resolve("models");
  }

  static Path packedModel() {
    return models().resolve("wine-mlp");
  }

  static Path namedModel() {
    return models().resolve("wine-mlp-named");
  }

  static Path frozenModel() {
    return models().resolve("wine-mlp-frozen.pb");
  }

  /** The first {@code n} rows of wine.csv: numeric columns as numbers, the others as text. */
  static List<Features> wineRows(int n) {
    try {
      List<String> lines =
          Files.readAllLines(testdata().resolve("wine.csv"), StandardCharsets.UTF_8);
      List<String> header = Arrays.asList(lines.get(0).split(","));
      List<Features> rows = new ArrayList<>();
      for (int i = 1; i <= n && i < lines.size(); i++) {
        String[] cells = lines.get(i).split(",", -1);
        Features.Builder b = Features.builder();
        for (int c = 0; c < header.size(); c++) {
          String name = header.get(c);
          if (FEATURES.contains(name) || name.equals("quality")) {
            b.put(name, Double.parseDouble(cells[c]));
          } else {
            b.put(name, cells[c]);
          }
        }
        rows.add(b.build());
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The eleven features of a row as floats, in model column order. */
  static float[] featureVector(Features row) {
    float[] v = new float[FEATURES.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Double) row.get(FEATURES.get(i))).floatValue();
    }
    return v;
  }

  /** A copy of the row with some fields renamed. */
  static Features renamed(Features row, Map<String, String> newNameByOld) {
    Map<String, Object> m = new LinkedHashMap<>();
    row.asMap().forEach((k, v) -> m.put(newNameByOld.getOrDefault(k, k), v));
    return Features.of(m);
  }

  /** A copy of the row with one field replaced (null removes it). */
  static Features with(Features row, String field, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(row.asMap());
    m.put(field, value);
    return Features.of(m);
  }

  static byte[] zip(Path dir) {
    try {
      return ModelArchives.zipDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ModelDescriptor descriptor(
      String format, byte[] bytes, InputMapping.Builder input, OutputMapping.Builder output) {
    return ModelDescriptor.newBuilder()
        .setName("tf-test")
        .setDataType("wine")
        .setFormat(format)
        .setVersion("1")
        .setUuid(UUID.nameUUIDFromBytes(bytes).toString())
        .setModelBytes(ByteString.copyFrom(bytes))
        .setInputMapping(input)
        .setOutputMapping(output)
        .build();
  }

  /** Loads a SavedModel directory with the given mappings. */
  static Scorer loadSavedModel(Path dir, InputMapping.Builder input, OutputMapping.Builder output)
      throws ModelLoadException {
    return new SavedModelFormat()
        .load(descriptor(SavedModelFormat.ID, zip(dir), input, output));
  }

  /** The packed demo SavedModel with its eleven features as tensor_columns. */
  static ModelDescriptor packedDescriptor() {
    return descriptor(
        SavedModelFormat.ID,
        zip(packedModel()),
        InputMapping.newBuilder().addAllTensorColumns(FEATURES),
        OutputMapping.newBuilder());
  }

  /** The "Python-style" SavedModel: inputs "fixed acidity", ... read "fixed_acidity", .... */
  static ModelDescriptor namedDescriptor() {
    InputMapping.Builder in = InputMapping.newBuilder();
    for (String f : FEATURES) {
      in.putFieldByInput(f.replace('_', ' '), f);
    }
    return descriptor(
        SavedModelFormat.ID,
        zip(namedModel()),
        in,
        OutputMapping.newBuilder().setSignature("predict"));
  }

  static ModelDescriptor frozenDescriptor() {
    return descriptor(
        FrozenGraphFormat.ID,
        read(frozenModel()),
        InputMapping.newBuilder().setTensorInput("features").addAllTensorColumns(FEATURES),
        OutputMapping.newBuilder().addOutputs("quality"));
  }
}

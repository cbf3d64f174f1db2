package dev.modelserving.beam.format.pmml;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dmg.pmml.ResultFeature;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.LoadingModelEvaluatorBuilder;

/** Models, descriptors and wine rows for the PMML tests. */
final class PmmlTestSupport {
  static final Path FILES = Paths.get(System.getProperty("testdata.dir", "../../testdata/files"));
  private static final Set<String> NOT_FEATURES = Set.of("id", "data_type", "quality");

  private PmmlTestSupport() {}

  /** A committed demo model from testdata/files/models. */
  static byte[] demoModel(String fileName) {
    try {
      return Files.readAllBytes(FILES.resolve("models").resolve(fileName));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A hand-written test model from src/test/resources/pmml. */
  static byte[] resource(String fileName) {
    try (InputStream in = PmmlTestSupport.class.getResourceAsStream("/pmml/" + fileName)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource /pmml/" + fileName);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ModelDescriptor descriptor(byte[] bytes, Map<String, String> fieldByInput) {
    return descriptor(bytes, fieldByInput, List.of());
  }

  /** A descriptor whose output_mapping.outputs (--modelOutputs) are {@code outputs}. */
  static ModelDescriptor descriptor(
      byte[] bytes, Map<String, String> fieldByInput, List<String> outputs) {
    return ModelDescriptor.newBuilder()
        .setName("test-model")
        .setDataType("wine")
        .setFormat("pmml")
        .setVersion("1")
        .setUuid("00000000-0000-0000-0000-000000000001")
        .setModelBytes(ByteString.copyFrom(bytes))
        .setInputMapping(InputMapping.newBuilder().putAllFieldByInput(fieldByInput))
        .setOutputMapping(OutputMapping.newBuilder().addAllOutputs(outputs))
        .build();
  }

  static Scorer load(byte[] bytes) throws ModelLoadException {
    return new PmmlModelFormat().load(descriptor(bytes, Map.of()));
  }

  /** Loads with output_mapping.outputs set to {@code outputs}. */
  static Scorer load(byte[] bytes, String... outputs) throws ModelLoadException {
    return new PmmlModelFormat().load(descriptor(bytes, Map.of(), List.of(outputs)));
  }

  /** A test resource with {@code target} replaced by {@code replacement}, which must occur. */
  static byte[] edited(String resource, String target, String replacement) {
    String text = new String(resource(resource), StandardCharsets.UTF_8);
    if (!text.contains(target)) {
      throw new IllegalArgumentException(resource + " does not contain " + target);
    }
    return text.replace(target, replacement).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The JPMML evaluator built directly, without the plug-in, as the reference; it asks for class
   * probabilities as the plug-in does (JPMML computes only requested result features).
   */
  static Evaluator directEvaluator(byte[] bytes) throws Exception {
    Evaluator evaluator =
        new LoadingModelEvaluatorBuilder()
            .setExtraResultFeatures(EnumSet.of(ResultFeature.PROBABILITY))
            .load(new java.io.ByteArrayInputStream(bytes))
            .build();
    evaluator.verify();
    return evaluator;
  }

  /** Every {@code step}-th row of wine.csv as Features (numbers as Doubles, wine_type a String). */
  static List<Features> wineRows(int step) {
    List<String> lines;
    try {
      lines = Files.readAllLines(FILES.resolve("wine.csv"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String[] header = lines.get(0).split(",");
    List<Features> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i += step) {
      String[] cells = lines.get(i).split(",");
      Features.Builder b = Features.builder();
      for (int c = 0; c < header.length; c++) {
        if (NOT_FEATURES.contains(header[c])) {
          continue;
        }
        if (header[c].equals("wine_type")) {
          b.put(header[c], cells[c]);
        } else {
          b.put(header[c], Double.parseDouble(cells[c]));
        }
      }
      rows.add(b.build());
    }
    return rows;
  }
}

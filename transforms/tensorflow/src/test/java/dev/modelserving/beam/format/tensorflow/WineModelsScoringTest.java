package dev.modelserving.beam.format.tensorflow;

import static dev.modelserving.beam.format.tensorflow.TfTestSupport.FEATURES;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** The committed wine models, scored through the formats and directly through TensorFlow. */
class WineModelsScoringTest {
  private static final int ROWS = 12;
  private static List<Features> rows;
  private static SavedModelBundle direct;
  private static Scorer packed;
  private static Scorer named;
  private static Scorer frozen;

  @BeforeAll
  static void load() throws Exception {
    rows = TfTestSupport.wineRows(ROWS);
    direct = SavedModelBundle.load(TfTestSupport.packedModel().toString(), "serve");
    packed = new SavedModelFormat().load(TfTestSupport.packedDescriptor());
    named = new SavedModelFormat().load(TfTestSupport.namedDescriptor());
    frozen = new FrozenGraphFormat().load(TfTestSupport.frozenDescriptor());
  }

  @AfterAll
  static void close() {
    direct.close();
    packed.close();
    named.close();
    frozen.close();
  }

  /** Runs the packed SavedModel's serving signature on one row, without the format. */
  private static double directPrediction(Features row) {
    try (TFloat32 x =
            TFloat32.tensorOf(
                Shape.of(1, FEATURES.size()),
                DataBuffers.of(TfTestSupport.featureVector(row), true, false));
        Result r = direct.function("serving_default").call(Map.of("features", x))) {
      return ((TFloat32) r.get("quality").orElseThrow()).getFloat(0, 0);
    }
  }

  @Test
  void packedScorerMatchesADirectSessionRun() throws Exception {
    for (Features row : rows) {
      ModelOutput out = packed.score(row);
      assertThat(out.getValue(), closeTo(directPrediction(row), 1e-6));
      assertThat(out.getLabel(), nullValue());
      assertThat(out.getProbabilities().isEmpty(), is(true));
    }
  }

  @Test
  void predictionsArePlausibleQualities() throws Exception {
    double sumSq = 0;
    for (Features row : rows) {
      double v = packed.score(row).getValue();
      assertThat(v, closeTo(6, 3));
      sumSq += Math.pow(v - (Double) row.get("quality"), 2);
    }
    assertThat("mean squared error on " + ROWS + " rows", sumSq / ROWS < 1.5, is(true));
  }

  @Test
  void allThreeArtifactsGiveTheSamePrediction() throws Exception {
    for (Features row : rows) {
      double p = packed.score(row).getValue();
      assertThat(named.score(row).getValue(), closeTo(p, 1e-5));
      assertThat(frozen.score(row).getValue(), closeTo(p, 1e-5));
    }
  }

  @Test
  void requiredFieldsAreTheRecordFieldsRead() {
    assertThat(packed.requiredFields(), contains(FEATURES.toArray()));
    assertThat(frozen.requiredFields(), contains(FEATURES.toArray()));
    assertThat(named.requiredFields(), containsInAnyOrder(FEATURES.toArray()));
  }

  @Test
  void perFeatureInputsWithSpacesReadFieldsOfTheSameName() throws Exception {
    // No field_by_input: each input "fixed acidity" reads the record field "fixed acidity".
    try (Scorer s =
        new SavedModelFormat()
            .load(
                TfTestSupport.descriptor(
                    SavedModelFormat.ID,
                    TfTestSupport.zip(TfTestSupport.namedModel()),
                    InputMapping.newBuilder(),
                    OutputMapping.newBuilder().setSignature("predict")))) {
      assertThat(s.requiredFields().contains("fixed acidity"), is(true));
      Map<String, String> spaced =
          FEATURES.stream().collect(Collectors.toMap(f -> f, f -> f.replace('_', ' ')));
      for (Features row : rows) {
        assertThat(
            s.score(TfTestSupport.renamed(row, spaced)).getValue(),
            closeTo(directPrediction(row), 1e-5));
      }
    }
  }

  @Test
  void packedColumnsAreFedInTheConfiguredOrder() throws Exception {
    // Records whose fields have other names, listed in an order unlike the record's own.
    Map<String, String> rename = new HashMap<>();
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < FEATURES.size(); i++) {
      rename.put(FEATURES.get(i), "c" + (FEATURES.size() - i));
      columns.add("c" + (FEATURES.size() - i));
    }
    try (Scorer s =
            new SavedModelFormat()
                .load(
                    TfTestSupport.descriptor(
                        SavedModelFormat.ID,
                        TfTestSupport.zip(TfTestSupport.packedModel()),
                        InputMapping.newBuilder()
                            .setTensorInput("features")
                            .addAllTensorColumns(columns),
                        OutputMapping.newBuilder().addOutputs("quality")));
        Scorer reversed =
            new SavedModelFormat()
                .load(
                    TfTestSupport.descriptor(
                        SavedModelFormat.ID,
                        TfTestSupport.zip(TfTestSupport.packedModel()),
                        InputMapping.newBuilder().addAllTensorColumns(reverse(columns)),
                        OutputMapping.newBuilder()))) {
      assertThat(s.requiredFields(), contains(columns.toArray()));
      for (Features row : rows) {
        Features renamed = TfTestSupport.renamed(row, rename);
        assertThat(s.score(renamed).getValue(), closeTo(directPrediction(row), 1e-6));
        assertThat(
            "the column order matters",
            Math.abs(reversed.score(renamed).getValue() - directPrediction(row)),
            greaterThan(1e-3));
      }
    }
  }

  @Test
  void scoringFromManyThreadsGivesTheSameResults() throws Exception {
    List<Double> expected = new ArrayList<>();
    for (Features row : rows) {
      expected.add(packed.score(row).getValue());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Double>>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(
            pool.submit(
                () -> {
                  List<Double> got = new ArrayList<>();
                  for (int rep = 0; rep < 10; rep++) {
                    for (Features row : rows) {
                      got.add(packed.score(row).getValue());
                    }
                  }
                  return got;
                }));
      }
      for (Future<List<Double>> f : futures) {
        List<Double> got = f.get();
        assertThat(got, not(empty()));
        for (int i = 0; i < got.size(); i++) {
          assertThat(got.get(i), is(expected.get(i % ROWS)));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void savedModelNestedOneLevelInsideTheZipLoads(@TempDir Path tmp) throws Exception {
    Path outer = tmp.resolve("archive");
    Path inner = outer.resolve("wine-mlp");
    copyTree(TfTestSupport.packedModel(), inner);
    try (Scorer s =
        new SavedModelFormat()
            .load(
                TfTestSupport.descriptor(
                    SavedModelFormat.ID,
                    TfTestSupport.zip(outer),
                    InputMapping.newBuilder().addAllTensorColumns(FEATURES),
                    OutputMapping.newBuilder()))) {
      assertThat(s.score(rows.get(0)).getValue(), closeTo(directPrediction(rows.get(0)), 1e-6));
    }
  }

  private static List<String> reverse(List<String> l) {
    List<String> r = new ArrayList<>(l);
    Collections.reverse(r);
    return r;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}

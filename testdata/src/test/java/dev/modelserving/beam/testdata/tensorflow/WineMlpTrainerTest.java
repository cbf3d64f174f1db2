package dev.modelserving.beam.testdata.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/** The committed TensorFlow wine models are what the trainer makes, and they agree. */
class WineMlpTrainerTest {
  private static final int ROWS = 50;
  private static final double TOLERANCE = 1e-5;

  private static Path files;
  private static WineFeatureTable table;

  @TempDir static Path retrained;
  private static WineMlpTrainer.Trained trained;

  @BeforeAll
  static void retrain() throws IOException {
    files = Paths.get(System.getProperty("testdata.dir", "files"));
    table = WineFeatureTable.read(files.resolve("wine.csv"));
    trained = WineMlpTrainer.trainAndExport(files.resolve("wine.csv"), retrained, 42L);
  }

  @Test
  void trainingBeatsPredictingTheMean() {
    assertThat(trained.trainingMse, lessThan(0.8 * trained.baselineMse));
  }

  @Test
  void retrainedPackedSavedModelPredictsLikeTheCommittedOne() {
    float[] committed = predictPacked(files.resolve("models").resolve(WineMlpTrainer.PACKED_DIR));
    float[] again = predictPacked(retrained.resolve(WineMlpTrainer.PACKED_DIR));
    assertSame(committed, again);
  }

  @Test
  void retrainedNamedSavedModelPredictsLikeTheCommittedOne() {
    float[] committed = predictNamed(files.resolve("models").resolve(WineMlpTrainer.NAMED_DIR));
    float[] again = predictNamed(retrained.resolve(WineMlpTrainer.NAMED_DIR));
    assertSame(committed, again);
  }

  @Test
  void retrainedFrozenGraphPredictsLikeTheCommittedOne() throws IOException {
    float[] committed = predictFrozen(files.resolve("models").resolve(WineMlpTrainer.FROZEN_FILE));
    float[] again = predictFrozen(retrained.resolve(WineMlpTrainer.FROZEN_FILE));
    assertSame(committed, again);
  }

  @Test
  void allThreeArtifactsGiveTheSamePredictions() throws IOException {
    Path models = files.resolve("models");
    float[] packed = predictPacked(models.resolve(WineMlpTrainer.PACKED_DIR));
    assertSame(packed, predictNamed(models.resolve(WineMlpTrainer.NAMED_DIR)));
    assertSame(packed, predictFrozen(models.resolve(WineMlpTrainer.FROZEN_FILE)));
  }

  @Test
  void namedModelHasOneInputPerFeatureWithHumanNames() {
    try (SavedModelBundle b =
        SavedModelBundle.load(
            files.resolve("models").resolve(WineMlpTrainer.NAMED_DIR).toString(), "serve")) {
      Signature sig = b.function(WineMlpExport.NAMED_SIGNATURE).signature();
      assertThat(
          sig.inputNames(),
          containsInAnyOrder(
              WineSchema.NUMERIC_FEATURES.stream()
                  .map(WineMlpExport::humanName)
                  .toArray(String[]::new)));
      assertThat(sig.inputNames().contains("fixed acidity"), is(true));
      assertThat(sig.outputNames(), containsInAnyOrder(WineMlpExport.NAMED_OUTPUT));
    }
  }

  @Test
  void artifactsAreSmall() throws IOException {
    Path models = files.resolve("models");
    String[] artifacts = {
      WineMlpTrainer.PACKED_DIR, WineMlpTrainer.NAMED_DIR, WineMlpTrainer.FROZEN_FILE
    };
    for (String name : artifacts) {
      long bytes;
      try (Stream<Path> walk = Files.walk(models.resolve(name))) {
        bytes = walk.filter(Files::isRegularFile).mapToLong(WineMlpTrainerTest::size).sum();
      }
      assertThat(name + " size", bytes, lessThan(100_000L));
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertSame(float[] expected, float[] actual) {
    for (int i = 0; i < expected.length; i++) {
      assertThat("row " + i, (double) actual[i], closeTo(expected[i], TOLERANCE));
    }
  }

  private static TFloat32 firstRows() {
    int n = table.featureCount();
    float[] flat = new float[ROWS * n];
    for (int r = 0; r < ROWS; r++) {
      System.arraycopy(table.features(r), 0, flat, r * n, n);
    }
    return TFloat32.tensorOf(Shape.of(ROWS, n), DataBuffers.of(flat, true, false));
  }

  private static float[] column(Tensor t) {
    TFloat32 f = (TFloat32) t;
    float[] out = new float[ROWS];
    for (int r = 0; r < ROWS; r++) {
      out[r] = f.getFloat(r, 0);
    }
    return out;
  }

  private static float[] predictPacked(Path dir) {
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), "serve");
        TFloat32 x = firstRows();
        Result r =
            b.function(WineMlpExport.PACKED_SIGNATURE)
                .call(Map.of(WineMlpExport.PACKED_INPUT, x))) {
      return column(r.get(WineMlpExport.PACKED_OUTPUT).orElseThrow());
    }
  }

  private static float[] predictNamed(Path dir) {
    Map<String, Tensor> inputs = new HashMap<>();
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), "serve")) {
      for (int f = 0; f < table.featureCount(); f++) {
        float[] col = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
          col[r] = table.features(r)[f];
        }
        inputs.put(
            WineMlpExport.humanName(WineSchema.NUMERIC_FEATURES.get(f)),
            TFloat32.tensorOf(Shape.of(ROWS, 1), DataBuffers.of(col, true, false)));
      }
      try (Result r = b.function(WineMlpExport.NAMED_SIGNATURE).call(inputs)) {
        return column(r.get(WineMlpExport.NAMED_OUTPUT).orElseThrow());
      }
    } finally {
      inputs.values().forEach(Tensor::close);
    }
  }

  private static float[] predictFrozen(Path file) throws IOException {
    try (Graph g = new Graph()) {
      g.importGraphDef(GraphDef.parseFrom(Files.readAllBytes(file)));
      try (Session s = new Session(g);
          TFloat32 x = firstRows();
          Result r =
              s.runner()
                  .feed(WineMlpExport.FROZEN_INPUT_OP, x)
                  .fetch(WineMlpExport.FROZEN_OUTPUT_OP)
                  .run()) {
        return column(r.get(0));
      }
    }
  }
}

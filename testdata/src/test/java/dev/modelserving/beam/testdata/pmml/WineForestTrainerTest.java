package dev.modelserving.beam.testdata.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.in;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated random forest is reproducible, loads with the PMML format and predicts well. */
class WineForestTrainerTest {
  private static final long SEED = 42;
  private static final Path WINE =
      Paths.get(System.getProperty("testdata.dir", "files")).resolve("wine.csv");
  private static final WineForestTrainer.Params PARAMS = WineForestTrainer.Params.of(25, 6);

  @TempDir static Path dir;
  private static Path file;

  @BeforeAll
  static void train() throws IOException {
    file = WineForestTrainer.train(WINE, dir, SEED, PARAMS);
  }

  @Test
  void theSameSeedAndParametersGiveTheSameFile(@TempDir Path again) throws IOException {
    Path second = WineForestTrainer.train(WINE, again, SEED, PARAMS);
    assertThat(second.getFileName().toString(), equalTo("wine-forest-25x6.pmml"));
    assertThat(Files.readAllBytes(second), equalTo(Files.readAllBytes(file)));
  }

  @Test
  void theFileIsAMajorityVoteMiningModelOfTheTrees() throws IOException {
    String xml = Files.readString(file);
    assertThat(xml, containsString("<MiningModel modelName=\"wine-forest\" functionName=\"classification\""));
    assertThat(xml, containsString("<Segmentation multipleModelMethod=\"majorityVote\">"));
    assertThat(xml.split("<Segment id=").length - 1, equalTo(PARAMS.trees()));
  }

  @Test
  void loadsWithThePmmlFormatAndPredictsWhatTheForestVotes() throws Exception {
    WineTable[] parts = WineTable.read(WINE).split(0.8, SEED);
    WineForestTrainer.Forest forest = WineForestTrainer.grow(parts[0], SEED, PARAMS);
    WineTable holdout = parts[1];
    ModelDescriptor descriptor = ModelDescriptor.newBuilder()
        .setName("wine-forest").setDataType(WineSchema.DATA_TYPE).setFormat("pmml")
        .setVersion("1").setUuid("forest-test")
        .setModelBytes(ByteString.copyFrom(Files.readAllBytes(file)))
        .build();
    int right = 0;
    int compared = 0;
    try (Scorer scorer = ModelFormats.load(descriptor, WineSchema.NUMERIC_FEATURES)) {
      for (int i = 0; i < holdout.size(); i++) {
        ModelOutput out = scorer.score(features(holdout, i));
        assertThat(out.getLabel(), in(WineTreeTrainer.CLASSES));
        assertThat(out.getProbabilities(), aMapWithSize(WineTreeTrainer.CLASSES.size()));
        int[] votes = forest.votes(holdout.x[i], holdout.red[i]);
        String label = WineTreeTrainer.CLASSES.get(forest.predict(holdout.x[i], holdout.red[i]));
        assertThat("vote share of the predicted label, holdout row " + i,
            out.getProbabilities().get(out.getLabel()),
            closeTo((double) Arrays.stream(votes).max().getAsInt() / PARAMS.trees(), 1e-9));
        if (hasSingleWinner(votes)) {
          assertThat("holdout row " + i, out.getLabel(), equalTo(label));
          compared++;
        }
        right += out.getLabel().equals(
            WineTreeTrainer.CLASSES.get(WineTreeTrainer.qualityClass(holdout.quality[i]))) ? 1 : 0;
      }
    }
    assertThat("rows without a tied vote", compared, greaterThan(holdout.size() * 9 / 10));
    assertThat("holdout accuracy beats always answering the majority class",
        (double) right / holdout.size(), greaterThan(majorityRate(holdout) + 0.03));
  }

  @Test
  void rejectsImpossibleShapes() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> WineForestTrainer.Params.of(0, 8));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new WineForestTrainer.Params(10, 8, 5, 12));
  }

  private static boolean hasSingleWinner(int[] votes) {
    int max = Arrays.stream(votes).max().getAsInt();
    return Arrays.stream(votes).filter(v -> v == max).count() == 1;
  }

  private static double majorityRate(WineTable t) {
    int[] counts = new int[WineTreeTrainer.CLASSES.size()];
    for (int q : t.quality) {
      counts[WineTreeTrainer.qualityClass(q)]++;
    }
    return (double) Arrays.stream(counts).max().getAsInt() / t.size();
  }

  private static Features features(WineTable t, int row) {
    Features.Builder b = Features.builder();
    for (int j = 0; j < WineSchema.NUMERIC_FEATURES.size(); j++) {
      b.put(WineSchema.NUMERIC_FEATURES.get(j), t.x[row][j]);
    }
    return b.build();
  }
}

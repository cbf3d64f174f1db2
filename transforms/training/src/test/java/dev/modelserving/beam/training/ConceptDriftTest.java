package dev.modelserving.beam.training;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.testdata.WineDataGenerator;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Concept drift at the transform: {@link TrainModels} on a TestStream of wines whose relation between
 * features and quality flips after record 3,000. The model published just before the shift is good
 * on wines of the old relation and poor on the new; the models trained after it recover on the new.
 * Each model is scored as serving scores it (PMML through its format plug-in) on wines neither
 * trained on, drawn from each relation.
 */
@ExtendWith(TestPipelineExtension.class)
class ConceptDriftTest {
  private static final Logger LOG = LoggerFactory.getLogger(ConceptDriftTest.class);
  private static final int RECORDS = 6000;
  private static final int SHIFT = 3000;
  private static final int BATCH = 200;
  private static final List<String> QUALITIES = List.of("3", "4", "5", "6", "7", "8", "9");

  @Test
  void accuracyDropsAtTheShiftAndRecoversWithIncrementalTraining(TestPipeline p) {
    WineDataGenerator drifting = WineDataGenerator.withDriftAfter(21, SHIFT);
    List<String> lines = new ArrayList<>(RECORDS);
    for (int i = 0; i < RECORDS; i++) {
      lines.add(drifting.next().toCsv());
    }
    TrainModels.Result r = TimedLines.of(p, lines, 10, 100).apply(TrainModels.<String>create()
        .withModel(TrainingSpec.logisticRegression("wine", "wine-sgd", WineSchema.QUALITY, WineSchema.NUMERIC_FEATURES,
            QUALITIES))
        .withDataTypeFn(line -> "wine")
        .withFeatureExtractor(Teachers.FEATURES)
        .withRecordIdFn(Teachers.ID)
        .withMiniBatch(BATCH, Duration.standardHours(1)));

    PAssert.that(r.getFailures()).empty();
    PAssert.that(r.getModels()).satisfies(models -> {
      List<ModelDescriptor> list = new ArrayList<>();
      models.forEach(list::add);
      list.sort(Comparator.comparingLong(m -> Long.parseLong(m.getVersion())));
      assertThat(list.size(), equalTo(RECORDS / BATCH));
      // the last model trained only on wines before the shift: its batch ends at record SHIFT - 1
      long shiftMillis = TimedLines.T0.getMillis() + 10L * SHIFT;
      ModelDescriptor beforeShift = list.stream().filter(m -> m.getLineage().getEventTimeEndMillis() < shiftMillis)
          .reduce((a, b) -> b).orElseThrow();
      ModelDescriptor last = list.get(list.size() - 1);
      List<Features> oldRelation = wines(new WineDataGenerator(77));
      List<Features> newRelation = wines(WineDataGenerator.withDriftAfter(77, 0));

      double beforeOnOld = accuracy(beforeShift, oldRelation);
      double beforeOnNew = accuracy(beforeShift, newRelation);
      double lastOnNew = accuracy(last, newRelation);
      LOG.info("drift: version {} (before the shift) {} on the old relation, {} on the new; version {} (the last)"
          + " {} on the new", beforeShift.getVersion(), beforeOnOld, beforeOnNew, last.getVersion(), lastOnNew);
      assertThat("the model trained before the shift is poor on the new relation", beforeOnNew,
          lessThan(beforeOnOld - 0.1));
      assertThat("incremental training recovers on the new relation", lastOnNew, greaterThan(beforeOnNew + 0.1));
      return null;
    });
    p.run().waitUntilFinish();
  }

  private static List<Features> wines(WineDataGenerator g) {
    List<Features> wines = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      wines.add(Teachers.FEATURES.apply(g.next().toCsv()));
    }
    return wines;
  }

  private static double accuracy(ModelDescriptor model, List<Features> wines) {
    try (Scorer scorer = ModelFormats.load(model)) {
      BatchScores scores = scorer.scoreBatch(wines);
      int right = 0;
      for (int i = 0; i < wines.size(); i++) {
        String truth = Long.toString(Math.round((Double) wines.get(i).get(WineSchema.QUALITY)));
        right += scores.isScored(i) && truth.equals(scores.output(i).getLabel()) ? 1 : 0;
      }
      return (double) right / wines.size();
    } catch (Exception e) {
      throw new AssertionError("could not score with version " + model.getVersion() + ": " + e, e);
    }
  }
}

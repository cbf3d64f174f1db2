package dev.modelserving.beam.format.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jpmml.evaluator.InputField;
import org.junit.jupiter.api.Test;

/**
 * {@link PmmlScorer#scoreBatch} gives exactly what {@link PmmlScorer#score} gives, record by
 * record: the same outputs, and for a record the model refuses the same reason, while the rest of
 * its batch is scored.
 */
class PmmlBatchScoringTest {
  private static final List<Features> WINE = PmmlTestSupport.wineRows(1);
  /** 1 (record at a time), sizes that do not divide the row counts, and everything in one batch. */
  private static final int[] BATCH_SIZES = {1, 7, 64, Integer.MAX_VALUE};

  private static final List<String> FOREIGN_MODELS = List.of(
      "glm-poisson-r.pmml",
      "random-forest-sklearn.pmml",
      "neural-network-regression.pmml",
      "spaced-names.pmml",
      "regression-pmml-3_2.pmml",
      "output-only.pmml",
      "gbm-gaussian-r.pmml",
      "gbm-bernoulli-r.pmml",
      "xgboost-regression-sklearn2pmml.pmml",
      "log-transform-r.pmml");

  @Test
  void wineModelsScoreAllRowsInBatchesAsOneByOne() throws Exception {
    assertThat(WINE.size(), equalTo(2000));
    for (String model : List.of("wine-linear.pmml", "wine-tree.pmml")) {
      try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.demoModel(model))) {
        for (int size : BATCH_SIZES) {
          Counts counts = assertBatchesEqualSingleScoring(scorer, WINE, size);
          assertThat(model + " scores every wine row", counts.scored, equalTo(WINE.size()));
        }
      }
    }
  }

  /** Random rows, some with a missing field, text in a numeric field or an unknown category. */
  @Test
  void foreignModelsScoreInBatchesAsOneByOne() throws Exception {
    for (String model : FOREIGN_MODELS) {
      try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource(model))) {
        List<Features> rows = randomRows((PmmlScorer) scorer, 300, model.hashCode());
        for (int size : BATCH_SIZES) {
          Counts counts = assertBatchesEqualSingleScoring(scorer, rows, size);
          assertThat(model + ": some rows are scored", counts.scored, greaterThan(100));
          assertThat(model + ": some rows are refused", counts.failed, greaterThan(0));
        }
      }
    }
  }

  @Test
  void badRecordsInABatchFailAloneWithTheirReason() throws Exception {
    try (Scorer linear = PmmlTestSupport.load(PmmlTestSupport.demoModel("wine-linear.pmml"));
        Scorer tree = PmmlTestSupport.load(PmmlTestSupport.demoModel("wine-tree.pmml"))) {
      List<Features> batch = new ArrayList<>(WINE.subList(0, 12));
      batch.set(2, with(batch.get(2), "alcohol", null));
      batch.set(5, with(batch.get(5), "alcohol", "twelve"));
      batch.set(8, with(batch.get(8), "wine_type", "rosé"));
      BatchScores scores = linear.scoreBatch(batch);
      assertFailedAlone(linear, batch, scores, Map.of(
          2, List.of("alcohol", "missing"),
          5, List.of("'alcohol'", "'twelve'", "numeric"),
          8, List.of("wine_type", "'rosé'", "does not know")));

      batch = new ArrayList<>(WINE.subList(100, 105));
      batch.set(0, with(batch.get(0), "wine_type", null));
      assertFailedAlone(tree, batch, tree.scoreBatch(batch),
          Map.of(0, List.of("wine_type", "missing")));
    }
  }

  /** The evaluator itself throws for x <= 0 (ln of a negative number) in log-transform-r.pmml. */
  @Test
  void evaluatorFailureInABatchFailsThatRecordAlone() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource("log-transform-r.pmml"))) {
      List<Features> batch = new ArrayList<>();
      for (double x : new double[] {1.0, -1.0, Math.E, 0.5, -3.0, 4.0}) {
        batch.add(Features.builder().put("x", x).build());
      }
      BatchScores scores = scorer.scoreBatch(batch);
      assertFailedAlone(scorer, batch, scores, Map.of(
          1, List.of("could not score the record", "ln"),
          4, List.of("could not score the record", "ln")));
      // y = 1 + 2 * ln(x)
      assertThat(scores.output(0).getValue(), closeTo(1.0, 1e-12));
      assertThat(scores.output(2).getValue(), closeTo(3.0, 1e-12));
      assertThat(scores.output(5).getValue(), closeTo(1 + 2 * Math.log(4), 1e-12));
    }
  }

  /** The evaluators the plug-in builds take the reused-context path the tests above compare. */
  @Test
  void batchesReuseOneEvaluationContext() throws Exception {
    List<byte[]> models = new ArrayList<>();
    models.add(PmmlTestSupport.demoModel("wine-linear.pmml"));
    models.add(PmmlTestSupport.demoModel("wine-tree.pmml"));
    FOREIGN_MODELS.forEach(name -> models.add(PmmlTestSupport.resource(name)));
    for (byte[] model : models) {
      try (Scorer scorer = PmmlTestSupport.load(model)) {
        assertThat(PmmlEvaluation.canReuseContext(((PmmlScorer) scorer).evaluator()),
            equalTo(true));
      }
    }
  }

  @Test
  void emptyBatchGivesNoScores() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.demoModel("wine-tree.pmml"))) {
      assertThat(scorer.scoreBatch(List.of()).size(), equalTo(0));
    }
  }

  /** Per-batch state is local to each call: threads sharing one scorer do not see each other's. */
  @Test
  void oneScorerScoresBatchesFromSeveralThreads() throws Exception {
    try (Scorer scorer = PmmlTestSupport.load(PmmlTestSupport.resource("gbm-gaussian-r.pmml"))) {
      List<Features> rows = randomRows((PmmlScorer) scorer, 2000, 11);
      BatchScores expected = scorer.scoreBatch(rows);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<BatchScores>>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          futures.add(pool.submit(() -> {
            List<BatchScores> batches = new ArrayList<>();
            for (int from = 0; from < rows.size(); from += 50) {
              batches.add(scorer.scoreBatch(rows.subList(from, from + 50)));
            }
            return batches;
          }));
        }
        for (Future<List<BatchScores>> f : futures) {
          List<BatchScores> batches = f.get();
          for (int i = 0; i < rows.size(); i++) {
            BatchScores batch = batches.get(i / 50);
            assertThat(batch.output(i % 50), equalTo(expected.output(i)));
            assertThat(batch.failure(i % 50), equalTo(expected.failure(i)));
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** Scores {@code rows} in batches of {@code size} and checks each record against {@link Scorer#score}. */
  private static Counts assertBatchesEqualSingleScoring(Scorer scorer, List<Features> rows, int size) {
    Counts counts = new Counts();
    for (int from = 0; from < rows.size(); from += Math.min(size, rows.size())) {
      List<Features> batch = rows.subList(from, (int) Math.min(rows.size(), (long) from + size));
      BatchScores scores = scorer.scoreBatch(batch);
      assertThat(scores.size(), equalTo(batch.size()));
      for (int i = 0; i < batch.size(); i++) {
        String where = "batch size " + size + ", row " + (from + i) + " " + batch.get(i);
        ModelOutput single;
        try {
          single = scorer.score(batch.get(i));
        } catch (InvalidRecordException e) {
          assertThat(where, scores.output(i), nullValue());
          assertThat(where, scores.failure(i), equalTo(e.getMessage()));
          counts.failed++;
          continue;
        }
        assertThat(where, scores.output(i), equalTo(single));
        assertThat(where, scores.failure(i), nullValue());
        counts.scored++;
      }
    }
    return counts;
  }

  /** Records {@code reasons} failed with those words in the reason single scoring gives; the rest equal single scoring. */
  private static void assertFailedAlone(
      Scorer scorer, List<Features> batch, BatchScores scores, Map<Integer, List<String>> reasons)
      throws Exception {
    for (int i = 0; i < batch.size(); i++) {
      Features row = batch.get(i);
      if (reasons.containsKey(i)) {
        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> scorer.score(row));
        assertThat(scores.isScored(i), equalTo(false));
        assertThat(scores.failure(i), equalTo(e.getMessage()));
        for (String word : reasons.get(i)) {
          assertThat(scores.failure(i), containsString(word));
        }
      } else {
        assertThat("record " + i, scores.output(i), equalTo(scorer.score(row)));
      }
    }
  }

  private static Features with(Features row, String field, Object value) {
    Map<String, Object> values = new LinkedHashMap<>(row.asMap());
    values.put(field, value);
    return Features.of(values);
  }

  /**
   * Rows for the model's inputs: numbers in [-2, 14] (two decimals), known categories; one value
   * in twenty is missing, one in twenty is text in a numeric field or an unknown category.
   */
  private static List<Features> randomRows(PmmlScorer scorer, int count, long seed) {
    Random random = new Random(seed);
    List<InputField> fields = scorer.evaluator().getInputFields();
    List<Features> rows = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      Features.Builder row = Features.builder();
      for (InputField field : fields) {
        List<?> domain = field.getDiscreteDomain();
        boolean categorical = domain != null && !domain.isEmpty();
        int dice = random.nextInt(20);
        if (dice == 0) {
          continue;
        }
        if (dice == 1) {
          row.put(field.getName(), categorical ? "purple" : "n/a");
        } else if (categorical) {
          row.put(field.getName(), String.valueOf(domain.get(random.nextInt(domain.size()))));
        } else {
          row.put(field.getName(), Math.round((random.nextDouble() * 16 - 2) * 100) / 100.0);
        }
      }
      rows.add(row.build());
    }
    return rows;
  }

  private static final class Counts {
    int scored;
    int failed;
  }
}

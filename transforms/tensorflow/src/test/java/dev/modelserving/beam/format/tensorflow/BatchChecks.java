package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Scores records singly and in batches, and compares the results record by record. */
final class BatchChecks {
  private BatchChecks() {}

  /** Each record scored with {@link Scorer#score}: its output, or the message it failed with. */
  static BatchScores scoreOneByOne(Scorer scorer, List<Features> records) {
    BatchScores scores = BatchScores.of(records.size());
    for (int i = 0; i < records.size(); i++) {
      try {
        scores.setOutput(i, scorer.score(records.get(i)));
      } catch (InvalidRecordException e) {
        scores.setFailure(i, e.getMessage());
      }
    }
    return scores;
  }

  /** The records scored with {@link Scorer#scoreBatch}, {@code size} at a time, in order. */
  static BatchScores scoreInBatches(Scorer scorer, List<Features> records, int size) {
    BatchScores all = BatchScores.of(records.size());
    for (int from = 0; from < records.size(); from += size) {
      List<Features> batch = records.subList(from, Math.min(records.size(), from + size));
      BatchScores scores = scorer.scoreBatch(batch);
      assertThat("results per batch", scores.size(), is(batch.size()));
      for (int i = 0; i < batch.size(); i++) {
        if (scores.isScored(i)) {
          all.setOutput(from + i, scores.output(i));
        } else {
          all.setFailure(from + i, scores.failure(i));
        }
      }
    }
    return all;
  }

  /**
   * The same records scored or failed, with the same reasons; outputs as in {@link
   * #assertSameOutput}.
   */
  static void assertSameResults(BatchScores expected, BatchScores actual, double tolerance) {
    assertThat("records", actual.size(), is(expected.size()));
    for (int i = 0; i < expected.size(); i++) {
      String record = "record " + i;
      assertThat(record + " scored", actual.isScored(i), is(expected.isScored(i)));
      if (expected.isScored(i)) {
        assertSameOutput(record, expected.output(i), actual.output(i), tolerance);
      } else {
        assertThat(record + " failure", actual.failure(i), is(expected.failure(i)));
      }
    }
  }

  /**
   * Values, probabilities and numeric fields within {@code tolerance}; labels, probability keys
   * (in order), field names (in order) and text fields exactly.
   */
  static void assertSameOutput(
      String what, ModelOutput expected, ModelOutput actual, double tolerance) {
    if (expected.getValue() == null) {
      assertThat(what + " value", actual.getValue(), nullValue());
    } else {
      assertThat(what + " value", actual.getValue(), closeTo(expected.getValue(), tolerance));
    }
    assertThat(what + " label", actual.getLabel(), is(expected.getLabel()));
    assertThat(
        what + " probability keys",
        new ArrayList<>(actual.getProbabilities().keySet()),
        is(new ArrayList<>(expected.getProbabilities().keySet())));
    for (Map.Entry<String, Double> p : expected.getProbabilities().entrySet()) {
      assertThat(
          what + " probability " + p.getKey(),
          actual.getProbabilities().get(p.getKey()),
          closeTo(p.getValue(), tolerance));
    }
    assertThat(
        what + " field names",
        new ArrayList<>(actual.getFields().keySet()),
        is(new ArrayList<>(expected.getFields().keySet())));
    for (Map.Entry<String, Object> f : expected.getFields().entrySet()) {
      Object got = actual.getFields().get(f.getKey());
      if (f.getValue() instanceof Double) {
        assertThat(
            what + " field " + f.getKey(), (Double) got, closeTo((Double) f.getValue(), tolerance));
      } else {
        assertThat(what + " field " + f.getKey(), got, is(f.getValue()));
      }
    }
  }
}

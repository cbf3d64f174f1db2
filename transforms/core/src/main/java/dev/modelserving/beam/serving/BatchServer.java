package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServingMetrics.DataTypeCounters;
import dev.modelserving.beam.serving.cache.LoadedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a batch with one loaded model: extracts every record's features once, makes one {@link
 * Scorer#scoreBatch} call per chunk of at most the model's {@link Scorer#maxBatchSize()}, and emits
 * each record as scored (with the model's identity, the call's duration and size) or
 * dead-lettered alone with its reason. The same for keyed and broadcast serving.
 */
final class BatchServer<T> {
  private final ServingConfig<T> config;

  BatchServer(ServingConfig<T> config) {
    this.config = config;
  }

  /**
   * Scores {@code batch} with {@code model}, which the caller has acquired and releases.
   *
   * @param decision why this model scores the batch, recorded on every scored record
   */
  void serve(RecordBatch<T> batch, LoadedModel model, ModelRef ref, String decision, ServingOutputs<T> out) {
    DataTypeCounters counters = out.metrics().of(batch.dataType());
    int n = batch.size();
    List<Features> features = new ArrayList<>(n);
    int[] recordOf = new int[n];
    for (int i = 0; i < n; i++) {
      Features f = extract(batch, i, out);
      if (f != null) {
        recordOf[features.size()] = i;
        features.add(f);
      }
    }
    Scorer scorer = model.scorer();
    int chunk = Math.max(1, Math.min(scorer.maxBatchSize(), config.batchLimits.getMax()));
    long servedAt = System.currentTimeMillis();
    int scored = 0;
    for (int from = 0; from < features.size(); from += chunk) {
      List<Features> part = features.subList(from, Math.min(features.size(), from + chunk));
      long start = System.nanoTime();
      BatchScores scores = scoreBatch(scorer, part);
      long latency = System.nanoTime() - start;
      counters.batches.inc();
      for (int j = 0; j < part.size(); j++) {
        int i = recordOf[from + j];
        if (scores.isScored(j)) {
          scored++;
          out.scored(new ScoredRecord<>(batch.record(i), batch.dataType(), scores.output(j), ref.name,
              ref.version, ref.uuid, ref.format, decision, servedAt, latency, part.size()),
              batch.timestampMillis(i));
        } else {
          out.deadLetter(batch, i, DeadLetter.Stage.SCORE, scores.failure(j) + " (model " + ref + ")");
        }
      }
    }
    counters.scored.inc(scored);
  }

  private Features extract(RecordBatch<T> batch, int i, ServingOutputs<T> out) {
    Features f;
    try {
      f = config.featureExtractor.apply(batch.record(i));
    } catch (RuntimeException e) {
      out.deadLetter(batch, i, DeadLetter.Stage.FEATURES, "cannot extract features: " + e);
      return null;
    }
    if (f == null) {
      // Otherwise the model would be blamed (stage SCORE) for the extractor's mistake.
      out.deadLetter(batch, i, DeadLetter.Stage.FEATURES, "the feature extractor returned null instead of Features");
    }
    return f;
  }

  /** The batch call; a plug-in that throws (a bug) is retried record by record, so one bad record fails alone. */
  private static BatchScores scoreBatch(Scorer scorer, List<Features> part) {
    try {
      BatchScores scores = scorer.scoreBatch(part);
      if (scores != null && scores.size() == part.size()) {
        return scores;
      }
    } catch (RuntimeException e) {
      // fall through: isolate the record that broke the batch call
    }
    BatchScores scores = BatchScores.of(part.size());
    for (int j = 0; j < part.size(); j++) {
      Scorer.scoreInto(scorer, part.get(j), scores, j);
    }
    return scores;
  }
}

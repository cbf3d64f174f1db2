package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServingMetrics.DataTypeCounters;
import dev.modelserving.beam.serving.ServingMetrics.ModelCounters;
import dev.modelserving.beam.serving.cache.LoadedModel;
import dev.modelserving.beam.status.BatchStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scores a batch with one loaded model: extracts every record's features once, makes one {@link
 * Scorer#scoreBatch} call per chunk of at most the model's {@link Scorer#maxBatchSize()}, and emits
 * each record as scored (with the model's identity, the call's duration and size) or
 * dead-lettered alone with its reason, and counts per batch what the model did (its counters, and
 * one {@link BatchStats} for the status stream). The same for keyed and broadcast serving.
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
    ModelCounters modelCounters = counters.model(ref);
    Rows rows = extract(batch, out);
    List<Features> features = rows.features;
    int[] recordOf = rows.recordOf;
    Scorer scorer = model.scorer();
    int chunk = chunkOf(scorer);
    long servedAt = System.currentTimeMillis();
    int scored = 0;
    int failed = 0;
    int calls = 0;
    long minMicros = Long.MAX_VALUE;
    long maxMicros = 0;
    long sumMicros = 0;
    for (int from = 0; from < features.size(); from += chunk) {
      List<Features> part = features.subList(from, Math.min(features.size(), from + chunk));
      long start = System.nanoTime();
      BatchScores scores = scoreBatch(scorer, part);
      long latency = System.nanoTime() - start;
      long micros = latency / 1000;
      counters.batches.inc();
      modelCounters.latencyMicros.update(micros);
      calls++;
      minMicros = Math.min(minMicros, micros);
      maxMicros = Math.max(maxMicros, micros);
      sumMicros += micros;
      for (int j = 0; j < part.size(); j++) {
        int i = recordOf[from + j];
        if (scores.isScored(j)) {
          scored++;
          out.scored(new ScoredRecord<>(batch.record(i), batch.dataType(), scores.output(j), ref.name,
              ref.version, ref.uuid, ref.format, decision, servedAt, latency, part.size()),
              batch.timestampMillis(i));
        } else {
          failed++;
          out.deadLetter(batch, i, DeadLetter.Stage.SCORE, scores.failure(j) + " (model " + ref + ")");
        }
      }
    }
    counters.scored.inc(scored);
    if (scored > 0) {
      modelCounters.scored.inc(scored);
    }
    if (failed > 0) {
      modelCounters.deadLettered.inc(failed);
    }
    if (calls > 0 && out.statusOn()) {
      out.batchStats(new BatchStats(batch.dataType(), ref.uuid, scored, scored, failed, calls, minMicros, maxMicros,
          sumMicros), batch.timestampMillis(0));
    }
  }

  /** The features of a batch's records, extracted once; records whose extraction fails are dead-lettered. */
  static final class Rows {
    final List<Features> features;
    /** The batch index of each extracted record. */
    final int[] recordOf;

    Rows(List<Features> features, int[] recordOf) {
      this.features = features;
      this.recordOf = recordOf;
    }
  }

  Rows extract(RecordBatch<T> batch, ServingOutputs<T> out) {
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
    return new Rows(features, recordOf);
  }

  /** The largest call this model takes under the batch limits. */
  int chunkOf(Scorer scorer) {
    return chunkOf(scorer, config.batchLimits.getMax());
  }

  /** The largest call this model takes when batches hold at most {@code maxBatch} records. */
  static int chunkOf(Scorer scorer, int maxBatch) {
    return Math.max(1, Math.min(scorer.maxBatchSize(), maxBatch));
  }

  /** Scores every record of {@code features} with one call per chunk, merged in order. */
  static BatchScores scoreAll(Scorer scorer, List<Features> features, int chunk) {
    if (features.size() <= chunk) {
      return scoreBatch(scorer, features);
    }
    BatchScores all = BatchScores.of(features.size());
    for (int from = 0; from < features.size(); from += chunk) {
      List<Features> part = features.subList(from, Math.min(features.size(), from + chunk));
      BatchScores scores = scoreBatch(scorer, part);
      for (int j = 0; j < part.size(); j++) {
        if (scores.isScored(j)) {
          all.setOutput(from + j, scores.output(j));
        } else {
          all.setFailure(from + j, scores.failure(j));
        }
      }
    }
    return all;
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

  /**
   * The batch call; a plug-in that throws (a bug) is retried record by record, so one bad record fails
   * alone. Outputs that are not finite numbers are turned into failures, once per call's result.
   */
  private static BatchScores scoreBatch(Scorer scorer, List<Features> part) {
    BatchScores scores = null;
    try {
      scores = scorer.scoreBatch(part);
    } catch (RuntimeException e) {
      // fall through: isolate the record that broke the batch call
    }
    if (scores == null || scores.size() != part.size()) {
      scores = BatchScores.of(part.size());
      for (int j = 0; j < part.size(); j++) {
        Scorer.scoreInto(scorer, part.get(j), scores, j);
      }
    }
    return refuseNonFinite(scores);
  }

  /**
   * Fails every record of {@code scores} whose output has a non-finite number (NaN or infinite) as
   * its value, a class probability or a numeric field: such an output is not an answer, and JSON has
   * no number for it. The reason names the output.
   */
  static BatchScores refuseNonFinite(BatchScores scores) {
    for (int j = 0; j < scores.size(); j++) {
      if (scores.isScored(j)) {
        String bad = nonFinite(scores.output(j));
        if (bad != null) {
          scores.setFailure(j, "the model's output is not a finite number: " + bad);
        }
      }
    }
    return scores;
  }

  /** The first non-finite number of {@code output}, described, or null if all are finite. */
  static String nonFinite(ModelOutput output) {
    Double value = output.getValue();
    if (value != null && !Double.isFinite(value)) {
      return "value " + value;
    }
    for (Map.Entry<String, Double> p : output.getProbabilities().entrySet()) {
      if (p.getValue() == null || !Double.isFinite(p.getValue())) {
        return "probability of '" + p.getKey() + "' " + p.getValue();
      }
    }
    for (Map.Entry<String, Object> f : output.getFields().entrySet()) {
      if (f.getValue() instanceof Double && !Double.isFinite((Double) f.getValue())) {
        return "field '" + f.getKey() + "' " + f.getValue();
      }
    }
    return null;
  }
}

package dev.modelserving.beam.serving;

import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ShadowComparison;
import dev.modelserving.beam.status.BatchStats;
import dev.modelserving.beam.status.ModelSetChange;
import dev.modelserving.beam.status.ModelStatusEvent;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.joda.time.Instant;

/**
 * Emits what serving produces, counting it per data type. Every record keeps its own event
 * timestamp (the serving DoFns allow any timestamp skew: serving state lives in the global window,
 * where no record is late, and timers holding records hold the watermark at their earliest one).
 */
final class ServingOutputs<T> {
  private final ServingConfig<T> config;
  private final ServingTags<T> tags;
  private final MultiOutputReceiver out;
  private final ServingMetrics metrics;

  ServingOutputs(ServingConfig<T> config, ServingTags<T> tags, MultiOutputReceiver out, ServingMetrics metrics) {
    this.config = config;
    this.tags = tags;
    this.out = out;
    this.metrics = metrics;
  }

  ServingMetrics metrics() {
    return metrics;
  }

  void scored(ScoredRecord<T> record, long timestampMillis) {
    out.get(tags.scored).outputWithTimestamp(record, at(timestampMillis));
  }

  /** A record a policy sends to review (e.g. below its minimum confidence), with its trace. */
  void review(ScoredRecord<T> record, long timestampMillis) {
    metrics.of(record.getDataType()).review.inc();
    out.get(tags.review).outputWithTimestamp(record, at(timestampMillis));
  }

  /** A shadow model's answer next to the result's, for one record. */
  void comparison(ShadowComparison comparison, long timestampMillis) {
    out.get(tags.comparisons).outputWithTimestamp(comparison, at(timestampMillis));
  }

  /** A record the model (or the feature extractor) refused; counted as dead-lettered. */
  void deadLetter(RecordBatch<T> batch, int i, DeadLetter.Stage stage, String reason) {
    metrics.of(batch.dataType()).deadLettered.inc();
    out.get(tags.deadLetters).outputWithTimestamp(
        DeadLetter.now(config.payloadOf(batch.record(i)), batch.dataType(), stage, reason),
        at(batch.timestampMillis(i)));
  }

  /** Every record of a batch that no model could score, with the reason. */
  void unserved(RecordBatch<T> batch, String reason) {
    metrics.of(batch.dataType()).unserved.inc(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      out.get(tags.unserved).outputWithTimestamp(
          DeadLetter.now(config.payloadOf(batch.record(i)), batch.dataType(), DeadLetter.Stage.UNSERVED, reason),
          at(batch.timestampMillis(i)));
    }
  }

  /** A refused model, at the time it was refused (a timer that holds no watermark has no time of its own). */
  void rejected(RejectedModel model) {
    out.get(tags.rejected).outputWithTimestamp(model, at(model.getRejectedAtMillis()));
  }

  /** True if the status stream is on: only then are batch stats worth gathering. */
  boolean statusOn() {
    return config.modelStatus;
  }

  /** What a model did with a batch, at the batch's first record's time (status stream only). */
  void batchStats(BatchStats stats, long timestampMillis) {
    if (config.modelStatus) {
      out.get(tags.status).outputWithTimestamp(ModelStatusEvent.of(stats), at(timestampMillis));
    }
  }

  /** A change of a data type's set, at the time it was applied (status stream only). */
  void setChange(ModelSetChange change) {
    if (config.modelStatus) {
      out.get(tags.status).outputWithTimestamp(ModelStatusEvent.of(change), at(change.getChangedAtMillis()));
    }
  }

  private static Instant at(long timestampMillis) {
    return new Instant(timestampMillis);
  }
}

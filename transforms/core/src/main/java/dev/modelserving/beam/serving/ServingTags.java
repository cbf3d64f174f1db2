package dev.modelserving.beam.serving;

import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ShadowComparison;
import dev.modelserving.beam.status.ModelStatusEvent;
import java.io.Serializable;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The outputs of a serving DoFn: scored records (main), dead letters, unserved, rejected models,
 * review, shadow comparisons, and status events (batch stats and set changes).
 */
final class ServingTags<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  // Plain (not anonymous) tags: an anonymous TupleTag would capture its enclosing object into the
  // DoFn. Coders are set explicitly on the outputs.
  final TupleTag<ScoredRecord<T>> scored = new TupleTag<>("scored");
  final TupleTag<DeadLetter> deadLetters = new TupleTag<>("deadLetters");
  final TupleTag<DeadLetter> unserved = new TupleTag<>("unserved");
  final TupleTag<RejectedModel> rejected = new TupleTag<>("rejectedModels");
  final TupleTag<ScoredRecord<T>> review = new TupleTag<>("review");
  final TupleTag<ShadowComparison> comparisons = new TupleTag<>("shadowComparisons");
  final TupleTag<ModelStatusEvent> status = new TupleTag<>("modelStatus");

  TupleTagList additional() {
    return TupleTagList.of(deadLetters).and(unserved).and(rejected).and(review).and(comparisons).and(status);
  }
}

package dev.modelserving.beam.training;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Labels records with a teacher model's answers, for a distilled student: each record's features go
 * to the teacher in batches (one {@link Scorer#scoreBatch} call per batch, as serving scores), and
 * the teacher's answer becomes the {@link Example}'s label; the record's own label, when it has one,
 * is kept as the reference the metrics compare with. A record the teacher refuses, or whose features
 * the student cannot read, becomes a dead letter (stage {@code TRAIN}) with the reason.
 *
 * <p>The teacher is loaded once per DoFn instance and closed at teardown. A batch is scored when it
 * is full and at the end of every bundle, so no record waits longer than its bundle.
 */
final class TeacherLabelsFn<T> extends DoFn<T, KV<String, Example>> {
  private final ModelDescriptor teacher;
  private final TrainingSpec student;
  private final MiniBatchParams params;
  private final int batchSize;
  private final SerializableFunction<T, String> dataTypeFn;
  private final SerializableFunction<T, Features> featureExtractor;
  private final SerializableFunction<T, String> recordIdFn;
  private final SerializableFunction<T, String> payloadFormatter;
  private final TupleTag<KV<String, Example>> examples;
  private final TupleTag<DeadLetter> failures;

  private transient Scorer scorer;
  private transient TeacherAnswers answers;
  private transient List<Pending> pending;
  private transient Map<String, Counter> counters;

  /** A record waiting for the teacher: what the student reads of it, and where it goes after. */
  private record Pending(Features features, double[] x, double reference, boolean holdout, String payload,
      Instant timestamp, BoundedWindow window) {}

  /** Where labelled examples and failures go: the element's receiver, or the bundle's end. */
  private interface Emitter {
    void emit(TupleTag<?> tag, Object value, Instant timestamp, BoundedWindow window);
  }

  TeacherLabelsFn(ModelDescriptor teacher, TrainingSpec student, MiniBatchParams params, int batchSize,
      SerializableFunction<T, String> dataTypeFn, SerializableFunction<T, Features> featureExtractor,
      SerializableFunction<T, String> recordIdFn, SerializableFunction<T, String> payloadFormatter,
      TupleTag<KV<String, Example>> examples, TupleTag<DeadLetter> failures) {
    this.teacher = teacher;
    this.student = student;
    this.params = params;
    this.batchSize = batchSize;
    this.dataTypeFn = dataTypeFn;
    this.featureExtractor = featureExtractor;
    this.recordIdFn = recordIdFn;
    this.payloadFormatter = payloadFormatter;
    this.examples = examples;
    this.failures = failures;
  }

  /** Loads the teacher; the reason names it when it cannot be loaded. */
  static Scorer loadTeacher(ModelDescriptor teacher) throws ModelLoadException {
    try {
      return ModelFormats.load(ModelDescriptors.resolveLocation(teacher));
    } catch (ModelLoadException e) {
      throw new ModelLoadException("the teacher " + ModelDescriptors.describe(teacher) + " could not be loaded: "
          + e.getMessage(), e);
    }
  }

  @Setup
  public void setup() throws ModelLoadException {
    scorer = loadTeacher(teacher);
    answers = new TeacherAnswers(student);
    counters = new HashMap<>();
  }

  @StartBundle
  public void startBundle() {
    pending = new ArrayList<>();
  }

  @ProcessElement
  public void process(@Element T record, @Timestamp Instant timestamp, BoundedWindow window,
      MultiOutputReceiver out) {
    String payload = payload(record);
    try {
      String dataType = dataTypeFn == null ? student.dataType() : dataTypeFn.apply(record);
      if (!student.dataType().equals(dataType)) {
        throw new InvalidRecordException("the record's data type is '" + dataType + "'; the student "
            + student.modelName() + " learns data type '" + student.dataType() + "'");
      }
      Features features = featureExtractor.apply(record);
      double[] x = ToExamplesFn.featureVector(student, features);
      String id = recordIdFn == null ? payload : recordIdFn.apply(record);
      pending.add(new Pending(features, x, reference(features), params.isHoldout(String.valueOf(id)), payload,
          timestamp, window));
    } catch (InvalidRecordException | RuntimeException e) {
      fail(payload, e instanceof InvalidRecordException ? e.getMessage() : e.toString(),
          (tag, value, t, w) -> out.get(failures).output((DeadLetter) value));
      return;
    }
    if (pending.size() >= batchSize) {
      // outputs may not go back before the current element's time; the example keeps its own
      scoreBatch((tag, value, t, w) -> emitNow(out, tag, value, t.isBefore(timestamp) ? timestamp : t));
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    scoreBatch((tag, value, t, w) -> emitLater(context, tag, value, t, w));
  }

  @Teardown
  public void teardown() {
    if (scorer != null) {
      scorer.close();
      scorer = null;
    }
  }

  private void scoreBatch(Emitter emitter) {
    if (pending.isEmpty()) {
      return;
    }
    List<Features> batch = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      batch.add(p.features());
    }
    BatchScores scores = scorer.scoreBatch(batch);
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      if (!scores.isScored(i)) {
        fail(p.payload(), "the teacher " + teacherName() + " could not score the record: " + scores.failure(i),
            (tag, value, t, w) -> emitter.emit(tag, value, p.timestamp(), p.window()));
        continue;
      }
      try {
        double label = answers.label(scores.output(i));
        counter(p.holdout() ? "holdout" : "examples").inc();
        emitter.emit(examples, KV.of(student.dataType(),
                new Example(p.x(), label, p.reference(), p.holdout(), p.timestamp().getMillis())),
            p.timestamp(), p.window());
      } catch (InvalidRecordException e) {
        fail(p.payload(), e.getMessage(), (tag, value, t, w) -> emitter.emit(tag, value, p.timestamp(), p.window()));
      }
    }
    pending.clear();
  }

  /** The record's own label, in the student's encoding, or NaN when it has none the student knows. */
  private double reference(Features features) {
    try {
      return features.has(student.target()) ? ToExamplesFn.label(student, features) : Double.NaN;
    } catch (InvalidRecordException notALabel) {
      return Double.NaN;
    }
  }

  private void fail(String payload, String reason, Emitter emitter) {
    counter("failures").inc();
    emitter.emit(failures, DeadLetter.now(payload, student.dataType(), DeadLetter.Stage.TRAIN, reason), null, null);
  }

  @SuppressWarnings("unchecked")
  private static void emitNow(MultiOutputReceiver out, TupleTag<?> tag, Object value, Instant timestamp) {
    out.get((TupleTag<Object>) tag).outputWithTimestamp(value, timestamp);
  }

  @SuppressWarnings("unchecked")
  private void emitLater(FinishBundleContext context, TupleTag<?> tag, Object value, Instant timestamp,
      BoundedWindow window) {
    context.output((TupleTag<Object>) tag, value, timestamp, window);
  }

  private String teacherName() {
    return teacher.getName() + " version " + teacher.getVersion();
  }

  private String payload(T record) {
    try {
      return payloadFormatter.apply(record);
    } catch (RuntimeException e) {
      return String.valueOf(record);
    }
  }

  private Counter counter(String event) {
    return counters.computeIfAbsent(event,
        e -> Metrics.counter(TrainModels.METRICS_NAMESPACE, student.dataType() + "/" + e));
  }
}

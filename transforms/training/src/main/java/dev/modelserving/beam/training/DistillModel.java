package dev.modelserving.beam.training;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetterCoder;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;

/**
 * Distils a teacher model into a fast student: the teacher (any served format on the classpath,
 * e.g. a TensorFlow network or a PMML forest) scores the records, and a linear or logistic
 * regression learns its answers with the incremental trainer of {@link TrainModels}, publishing
 * each new version as a PMML {@link ModelDescriptor}. The student is meant as the fast model that
 * guarantees an answer in a speculative serving policy.
 *
 * <pre>{@code
 * TrainModels.Result student = wines.apply(
 *     DistillModel.<Wine>create()
 *         .withTeacher(forestDescriptor)                       // what serving already serves
 *         .withStudent(TrainingSpec.logisticRegression("wine", "wine-forest-student", "quality_class",
 *             WineSchema.NUMERIC_FEATURES, List.of("low", "medium", "high")))
 *         .withFeatureExtractor(Wine::features)   // what the teacher reads; the label, if present, for metrics
 *         .withRecordIdFn(wine -> wine.id)
 *         .withMiniBatch(500, Duration.standardSeconds(30)));
 *
 * student.getModels();    // versions 1, 2, ...: lineage names the teacher; metrics: agreement, label_accuracy
 * student.getFailures();  // records the teacher refused or the student cannot read, with the reason
 * }</pre>
 *
 * <p>A logistic student learns the teacher's class label; a teacher that answers a number teaches
 * the class whose name is the nearest number when every class name is a number. A linear student
 * learns the teacher's value. The records need no label of their own: when they carry one in the
 * student's target field, it is kept to report the student's and the teacher's accuracy against it.
 * The holdout metrics of each model (see {@link TrainModels}) measure the student against the
 * teacher: {@code agreement} and {@code teacher_log_loss} for classes, {@code teacher_rmse}, {@code
 * teacher_mae} and {@code teacher_r2} for values, and {@code label_accuracy}, {@code
 * teacher_label_accuracy} (or {@code label_rmse}, {@code teacher_label_rmse}) when labels exist.
 *
 * <p>The teacher is loaded once when the pipeline is built (so a teacher that cannot be loaded fails
 * the build, with the reason) and once per worker instance; records are scored in batches of
 * {@link #withTeacherBatchSize} (default 256) per bundle.
 */
public final class DistillModel<T> extends PTransform<PCollection<T>, TrainModels.Result> {
  /** The default number of records per teacher call. */
  public static final int DEFAULT_TEACHER_BATCH = 256;

  private final ModelDescriptor teacher;
  private final TrainingSpec student;
  private final SerializableFunction<T, String> dataTypeFn;
  private final SerializableFunction<T, Features> featureExtractor;
  private final SerializableFunction<T, String> recordIdFn;
  private final SerializableFunction<T, String> payloadFormatter;
  private final MiniBatchParams params;
  private final int teacherBatch;

  private DistillModel(ModelDescriptor teacher, TrainingSpec student, SerializableFunction<T, String> dataTypeFn,
      SerializableFunction<T, Features> featureExtractor, SerializableFunction<T, String> recordIdFn,
      SerializableFunction<T, String> payloadFormatter, MiniBatchParams params, int teacherBatch) {
    this.teacher = teacher;
    this.student = student;
    this.dataTypeFn = dataTypeFn;
    this.featureExtractor = featureExtractor;
    this.recordIdFn = recordIdFn;
    this.payloadFormatter = payloadFormatter;
    this.params = params;
    this.teacherBatch = teacherBatch;
  }

  /**
   * A transform with default settings; {@link #withTeacher}, {@link #withStudent} and {@link
   * #withFeatureExtractor} are required.
   */
  public static <T> DistillModel<T> create() {
    return new DistillModel<>(null, null, null, null, null, String::valueOf, MiniBatchParams.DEFAULT,
        DEFAULT_TEACHER_BATCH);
  }

  /** The teacher: a model descriptor with its bytes or location, of a format on the classpath. */
  public DistillModel<T> withTeacher(ModelDescriptor model) {
    return new DistillModel<>(Objects.requireNonNull(model), student, dataTypeFn, featureExtractor, recordIdFn,
        payloadFormatter, params, teacherBatch);
  }

  /** The student: its name, data type, features and kind; its target names the records' own label, if any. */
  public DistillModel<T> withStudent(TrainingSpec spec) {
    return new DistillModel<>(teacher, Objects.requireNonNull(spec), dataTypeFn, featureExtractor, recordIdFn,
        payloadFormatter, params, teacherBatch);
  }

  /**
   * The data type of a record (default: every record is the student's); records of another data type
   * are failures.
   */
  public DistillModel<T> withDataTypeFn(SerializableFunction<T, String> fn) {
    return new DistillModel<>(teacher, student, Objects.requireNonNull(fn), featureExtractor, recordIdFn,
        payloadFormatter, params, teacherBatch);
  }

  /** The features of a record: what the teacher reads and the student's features (and the label, if any). */
  public DistillModel<T> withFeatureExtractor(SerializableFunction<T, Features> fn) {
    return new DistillModel<>(teacher, student, dataTypeFn, Objects.requireNonNull(fn), recordIdFn,
        payloadFormatter, params, teacherBatch);
  }

  /** A stable id of a record, which decides whether it is held out (default: its payload). */
  public DistillModel<T> withRecordIdFn(SerializableFunction<T, String> fn) {
    return new DistillModel<>(teacher, student, dataTypeFn, featureExtractor, Objects.requireNonNull(fn),
        payloadFormatter, params, teacherBatch);
  }

  /** The text of a record in failures (default: {@code String.valueOf}). */
  public DistillModel<T> withPayloadFormatter(SerializableFunction<T, String> fn) {
    return new DistillModel<>(teacher, student, dataTypeFn, featureExtractor, recordIdFn,
        Objects.requireNonNull(fn), params, teacherBatch);
  }

  /** As {@link TrainModels#withMiniBatch}. */
  public DistillModel<T> withMiniBatch(int size, Duration maxSpan) {
    return withParams(new MiniBatchParams(size, maxSpan, params.publishEvery(), params.holdoutFraction(),
        params.holdoutWindow()));
  }

  /** As {@link TrainModels#withPublishEvery}. */
  public DistillModel<T> withPublishEvery(int steps) {
    return withParams(new MiniBatchParams(params.size(), params.maxSpan(), steps, params.holdoutFraction(),
        params.holdoutWindow()));
  }

  /** As {@link TrainModels#withHoldout}: the held-out records measure the student against the teacher. */
  public DistillModel<T> withHoldout(double fraction, int window) {
    return withParams(new MiniBatchParams(params.size(), params.maxSpan(), params.publishEvery(), fraction, window));
  }

  /** The most records per teacher call (default {@link #DEFAULT_TEACHER_BATCH}). */
  public DistillModel<T> withTeacherBatchSize(int records) {
    if (records < 1) {
      throw new IllegalArgumentException("withTeacherBatchSize: at least 1 record per call, not " + records);
    }
    return new DistillModel<>(teacher, student, dataTypeFn, featureExtractor, recordIdFn, payloadFormatter, params,
        records);
  }

  private DistillModel<T> withParams(MiniBatchParams p) {
    return new DistillModel<>(teacher, student, dataTypeFn, featureExtractor, recordIdFn, payloadFormatter, p,
        teacherBatch);
  }

  @Override
  public TrainModels.Result expand(PCollection<T> records) {
    if (teacher == null) {
      throw new IllegalArgumentException("DistillModel needs a teacher model: call withTeacher(descriptor)");
    }
    if (student == null) {
      throw new IllegalArgumentException("DistillModel needs a student to train: call withStudent(spec)");
    }
    if (featureExtractor == null) {
      throw new IllegalArgumentException("DistillModel needs a feature extractor: call withFeatureExtractor(fn)");
    }
    checkTeacherLoads();
    TrainingSpec taught = student.withTeacher(teacher);
    PCollectionTuple labelled = TrainModels.inGlobalWindow(records).apply("TeacherLabels",
        ParDo.of(new TeacherLabelsFn<>(teacher, taught, params, teacherBatch, dataTypeFn, featureExtractor,
                recordIdFn, payloadFormatter, TrainModels.EXAMPLES, TrainModels.FAILURES))
            .withOutputTags(TrainModels.EXAMPLES, TupleTagList.of(TrainModels.FAILURES)));
    return new TrainModels.Result(records.getPipeline(),
        TrainModels.trainOn(labelled.get(TrainModels.EXAMPLES), Map.of(taught.dataType(), taught), params),
        labelled.get(TrainModels.FAILURES).setCoder(DeadLetterCoder.of()));
  }

  private void checkTeacherLoads() {
    try (Scorer scorer = TeacherLabelsFn.loadTeacher(teacher)) {
      // loaded: the format is on the classpath and the bytes are a model
    } catch (ModelLoadException e) {
      throw new IllegalArgumentException("DistillModel: " + e.getMessage(), e);
    }
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .addIfNotNull(DisplayData.item("teacher", teacher == null ? null : ModelDescriptors.describe(teacher))
            .withLabel("Teacher"))
        .addIfNotNull(DisplayData.item("student", student == null ? null : student.toString()).withLabel("Student"))
        .add(DisplayData.item("teacherBatch", teacherBatch).withLabel("Records per teacher call"))
        .add(DisplayData.item("miniBatch", params.size() + " records or " + params.maxSpan() + " of event time")
            .withLabel("Mini-batch"))
        .add(DisplayData.item("holdout", params.holdoutFraction() + " of the records, metrics on the latest "
            + params.holdoutWindow()).withLabel("Holdout"));
  }
}

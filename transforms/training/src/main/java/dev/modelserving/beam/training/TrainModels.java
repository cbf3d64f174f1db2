package dev.modelserving.beam.training;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.DeadLetterCoder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;

/**
 * Trains models incrementally on a stream of labelled records, one model per data type, and emits
 * each new version as a PMML {@link ModelDescriptor}, ready for the model topic that serving reads.
 *
 * <pre>{@code
 * PCollection<Wine> labelled = ...;                    // e.g. from KafkaIO, labels included
 *
 * TrainModels.Result trained = labelled.apply(
 *     TrainModels.<Wine>create()
 *         .withModel(TrainingSpec.logisticRegression("wine", "wine-sgd", "quality",
 *             List.of("alcohol", "volatile_acidity", "sulphates"), List.of("3", "4", "5", "6", "7", "8", "9")))
 *         .withDataTypeFn(wine -> "wine")
 *         .withFeatureExtractor(Wine::features)     // the features and the label field
 *         .withRecordIdFn(wine -> wine.id)           // picks the held-out records
 *         .withMiniBatch(500, Duration.standardSeconds(30)));
 *
 * trained.getModels();     // ModelDescriptor: version n+1, new uuid, lineage and holdout metrics
 * trained.getFailures();   // records that could not be trained on, with the reason
 * }</pre>
 *
 * <p>Each data type's trainer steps once per mini-batch: at {@link #withMiniBatch size} examples or
 * when the batch's event-time span has passed (the watermark decides), with one mini-batch SGD update
 * from the weights so far. It never retrains on history. The weights, the standardization fitted on
 * the first batch and the version counter live in Beam state, so a checkpoint restores the trainer
 * where it was; {@link TrainingSpec#withInitialModel} starts a trainer without state from a published
 * model. A {@link #withHoldout fraction} of the records is never trained on; the metrics in each
 * model's lineage are taken on the latest of those.
 *
 * <p>Every input record is either an example or a failure ({@code DeadLetter} stage {@code TRAIN}).
 * State lives in the global window: windowed inputs are moved into it.
 */
public final class TrainModels<T> extends PTransform<PCollection<T>, TrainModels.Result> {
  /**
   * The namespace of the trainer's Beam counters, {@code <dataType>/<event>}: {@code examples}
   * (trained on), {@code holdout}, {@code failures}, {@code steps} and {@code models} (published).
   */
  public static final String METRICS_NAMESPACE = "training";
  static final TupleTag<KV<String, Example>> EXAMPLES = new TupleTag<>("examples") {};
  static final TupleTag<DeadLetter> FAILURES = new TupleTag<>("failures") {};

  private final Map<String, TrainingSpec> specs;
  private final SerializableFunction<T, String> dataTypeFn;
  private final SerializableFunction<T, Features> featureExtractor;
  private final SerializableFunction<T, String> recordIdFn;
  private final SerializableFunction<T, String> payloadFormatter;
  private final MiniBatchParams params;

  private TrainModels(Map<String, TrainingSpec> specs, SerializableFunction<T, String> dataTypeFn,
      SerializableFunction<T, Features> featureExtractor, SerializableFunction<T, String> recordIdFn,
      SerializableFunction<T, String> payloadFormatter, MiniBatchParams params) {
    this.specs = specs;
    this.dataTypeFn = dataTypeFn;
    this.featureExtractor = featureExtractor;
    this.recordIdFn = recordIdFn;
    this.payloadFormatter = payloadFormatter;
    this.params = params;
  }

  /**
   * A transform with default settings; {@link #withModel}, {@link #withDataTypeFn} and {@link
   * #withFeatureExtractor} are required.
   */
  public static <T> TrainModels<T> create() {
    return new TrainModels<>(Map.of(), null, null, null, String::valueOf, MiniBatchParams.DEFAULT);
  }

  /** Trains {@code spec}'s model on the records of its data type; one spec per data type. */
  public TrainModels<T> withModel(TrainingSpec spec) {
    if (specs.containsKey(spec.dataType())) {
      throw new IllegalArgumentException("data type '" + spec.dataType() + "' already trains "
          + specs.get(spec.dataType()) + "; one model per data type");
    }
    Map<String, TrainingSpec> more = new LinkedHashMap<>(specs);
    more.put(spec.dataType(), spec);
    return new TrainModels<>(Collections.unmodifiableMap(more), dataTypeFn, featureExtractor, recordIdFn,
        payloadFormatter, params);
  }

  /** The data type of a record, which selects the model it trains. */
  public TrainModels<T> withDataTypeFn(SerializableFunction<T, String> fn) {
    return new TrainModels<>(specs, Objects.requireNonNull(fn), featureExtractor, recordIdFn, payloadFormatter, params);
  }

  /** The features of a record, including its label (the spec's target field). */
  public TrainModels<T> withFeatureExtractor(SerializableFunction<T, Features> fn) {
    return new TrainModels<>(specs, dataTypeFn, Objects.requireNonNull(fn), recordIdFn, payloadFormatter, params);
  }

  /** A stable id of a record, which decides whether it is held out (default: its payload). */
  public TrainModels<T> withRecordIdFn(SerializableFunction<T, String> fn) {
    return new TrainModels<>(specs, dataTypeFn, featureExtractor, Objects.requireNonNull(fn), payloadFormatter, params);
  }

  /** The text of a record in failures (default: {@code String.valueOf}). */
  public TrainModels<T> withPayloadFormatter(SerializableFunction<T, String> fn) {
    return new TrainModels<>(specs, dataTypeFn, featureExtractor, recordIdFn, Objects.requireNonNull(fn), params);
  }

  /**
   * A mini-batch closes at {@code size} records (held-out ones included) or {@code maxSpan} of event
   * time after its first record, whichever comes first (defaults: 500 and 30 s).
   */
  public TrainModels<T> withMiniBatch(int size, Duration maxSpan) {
    return withParams(new MiniBatchParams(size, maxSpan, params.publishEvery(), params.holdoutFraction(),
        params.holdoutWindow()));
  }

  /** Publishes a model after every {@code steps} mini-batches (default 1). */
  public TrainModels<T> withPublishEvery(int steps) {
    return withParams(new MiniBatchParams(params.size(), params.maxSpan(), steps, params.holdoutFraction(),
        params.holdoutWindow()));
  }

  /**
   * Holds out {@code fraction} of the records (by a hash of the record id; default 0.2), never
   * trained on; a model's holdout metrics are taken on the latest {@code window} of them (default 1000).
   */
  public TrainModels<T> withHoldout(double fraction, int window) {
    return withParams(new MiniBatchParams(params.size(), params.maxSpan(), params.publishEvery(), fraction, window));
  }

  private TrainModels<T> withParams(MiniBatchParams p) {
    return new TrainModels<>(specs, dataTypeFn, featureExtractor, recordIdFn, payloadFormatter, p);
  }

  @Override
  public Result expand(PCollection<T> records) {
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("TrainModels needs a model to train: call withModel(spec)");
    }
    if (dataTypeFn == null) {
      throw new IllegalArgumentException("TrainModels needs a data type function: call withDataTypeFn(fn)");
    }
    if (featureExtractor == null) {
      throw new IllegalArgumentException("TrainModels needs a feature extractor: call withFeatureExtractor(fn)");
    }
    PCollectionTuple examples = inGlobalWindow(records).apply("ToExamples",
        ParDo.of(new ToExamplesFn<>(specs, params, dataTypeFn, featureExtractor, recordIdFn, payloadFormatter,
            FAILURES)).withOutputTags(EXAMPLES, TupleTagList.of(FAILURES)));
    return new Result(records.getPipeline(), trainOn(examples.get(EXAMPLES), specs, params),
        examples.get(FAILURES).setCoder(DeadLetterCoder.of()));
  }

  /** The records in the global window, where the trainers' state lives. */
  static <T> PCollection<T> inGlobalWindow(PCollection<T> records) {
    return records.getWindowingStrategy().getWindowFn() instanceof GlobalWindows ? records
        : records.apply("RecordsInGlobalWindow", Window.<T>into(new GlobalWindows()).triggering(DefaultTrigger.of())
            .discardingFiredPanes().withAllowedLateness(Duration.ZERO));
  }

  /** Each data type's trainer stepping on its examples: the published models. */
  static PCollection<ModelDescriptor> trainOn(PCollection<KV<String, Example>> examples,
      Map<String, TrainingSpec> specs, MiniBatchParams params) {
    return examples.setCoder(KvCoder.of(StringUtf8Coder.of(), ExampleCoder.of()))
        .apply("MiniBatchTraining", ParDo.of(new MiniBatchTrainingFn(specs, params)))
        .setCoder(ModelDescriptorCoder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("models", specs.values().toString()).withLabel("Models trained"))
        .add(DisplayData.item("miniBatch", params.size() + " records or " + params.maxSpan() + " of event time")
            .withLabel("Mini-batch"))
        .add(DisplayData.item("publishEvery", params.publishEvery()).withLabel("Publish a model every n steps"))
        .add(DisplayData.item("holdout", params.holdoutFraction() + " of the records, metrics on the latest "
            + params.holdoutWindow()).withLabel("Holdout"));
  }

  /** The outputs of {@link TrainModels}: every input record is an example or a failure. */
  public static final class Result implements POutput {
    private final Pipeline pipeline;
    private final PCollection<ModelDescriptor> models;
    private final PCollection<DeadLetter> failures;

    Result(Pipeline pipeline, PCollection<ModelDescriptor> models, PCollection<DeadLetter> failures) {
      this.pipeline = pipeline;
      this.models = models;
      this.failures = failures;
    }

    /** Every published model: PMML, the next version, a new uuid, and its lineage with holdout metrics. */
    public PCollection<ModelDescriptor> getModels() {
      return models;
    }

    /** Records that could not be trained on (no spec for the data type, a missing or unknown label, a bad feature). */
    public PCollection<DeadLetter> getFailures() {
      return failures;
    }

    @Override
    public Pipeline getPipeline() {
      return pipeline;
    }

    @Override
    public Map<TupleTag<?>, PValue> expand() {
      Map<TupleTag<?>, PValue> out = new LinkedHashMap<>();
      out.put(new TupleTag<ModelDescriptor>("models"), models);
      out.put(FAILURES, failures);
      return out;
    }

    @Override
    public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
  }
}

package dev.modelserving.beam.training;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.record.DeadLetter;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Turns a labelled record into an {@link Example} keyed by its data type, or into a dead letter
 * (stage {@code TRAIN}) that says why it cannot be trained on.
 */
final class ToExamplesFn<T> extends DoFn<T, KV<String, Example>> {
  static final String NAMESPACE = TrainModels.METRICS_NAMESPACE;

  private final Map<String, TrainingSpec> specs;
  private final MiniBatchParams params;
  private final SerializableFunction<T, String> dataTypeFn;
  private final SerializableFunction<T, Features> featureExtractor;
  private final SerializableFunction<T, String> recordIdFn;
  private final SerializableFunction<T, String> payloadFormatter;
  private final TupleTag<DeadLetter> failures;
  private transient Map<String, Counter> counters;

  ToExamplesFn(Map<String, TrainingSpec> specs, MiniBatchParams params, SerializableFunction<T, String> dataTypeFn,
      SerializableFunction<T, Features> featureExtractor, SerializableFunction<T, String> recordIdFn,
      SerializableFunction<T, String> payloadFormatter, TupleTag<DeadLetter> failures) {
    this.specs = specs;
    this.params = params;
    this.dataTypeFn = dataTypeFn;
    this.featureExtractor = featureExtractor;
    this.recordIdFn = recordIdFn;
    this.payloadFormatter = payloadFormatter;
    this.failures = failures;
  }

  @ProcessElement
  public void process(@Element T record, @Timestamp Instant timestamp, MultiOutputReceiver out) {
    String dataType = null;
    try {
      dataType = dataTypeFn.apply(record);
      if (dataType == null || dataType.isEmpty()) {
        throw new InvalidRecordException("the record has no data type");
      }
      TrainingSpec spec = specs.get(dataType);
      if (spec == null) {
        throw new InvalidRecordException("no model is trained for data type '" + dataType + "' (trained: "
            + specs.keySet() + ")");
      }
      Features features = featureExtractor.apply(record);
      double label = label(spec, features);
      double[] x = featureVector(spec, features);
      String id = recordIdFn == null ? null : recordIdFn.apply(record);
      boolean holdout = params.isHoldout(id != null ? id : String.valueOf(payloadFormatter.apply(record)));
      counter(dataType, holdout ? "holdout" : "examples").inc();
      out.get(TrainModels.EXAMPLES).output(KV.of(dataType, new Example(x, label, holdout, timestamp.getMillis())));
    } catch (InvalidRecordException | RuntimeException e) {
      counter(dataType == null ? "unknown" : dataType, "failures").inc();
      out.get(failures).output(DeadLetter.now(payload(record), dataType, DeadLetter.Stage.TRAIN,
          e instanceof InvalidRecordException ? e.getMessage() : e.toString()));
    }
  }

  /** The spec's features of a record, in the spec's order; each must be a finite number. */
  static double[] featureVector(TrainingSpec spec, Features features) throws InvalidRecordException {
    double[] x = new double[spec.features().size()];
    for (int f = 0; f < x.length; f++) {
      String name = spec.features().get(f);
      x[f] = features.getNumber(name);
      if (!Double.isFinite(x[f])) {
        throw new InvalidRecordException("feature '" + name + "' is not finite (" + x[f] + ")");
      }
    }
    return x;
  }

  /** The record's label in the spec's target field: its class index, or its value for regression. */
  static double label(TrainingSpec spec, Features features) throws InvalidRecordException {
    String target = spec.target();
    if (!features.has(target)) {
      throw new InvalidRecordException("the label '" + target + "' is missing");
    }
    if (spec.classes().isEmpty()) {
      double y = features.getNumber(target);
      if (!Double.isFinite(y)) {
        throw new InvalidRecordException("the label '" + target + "' is not finite (" + y + ")");
      }
      return y;
    }
    String text = features.getText(target);
    int c = spec.classes().indexOf(text);
    if (c < 0) {
      throw new InvalidRecordException("the label '" + target + "' is '" + text + "', not one of the classes "
          + spec.classes());
    }
    return c;
  }

  private String payload(T record) {
    try {
      return payloadFormatter.apply(record);
    } catch (RuntimeException e) {
      return String.valueOf(record);
    }
  }

  /** The counter of {@code <dataType>/<event>}, made once per name (not per record). */
  private Counter counter(String dataType, String event) {
    if (counters == null) {
      counters = new java.util.HashMap<>();
    }
    return counters.computeIfAbsent(dataType + "/" + event, name -> Metrics.counter(NAMESPACE, name));
  }
}

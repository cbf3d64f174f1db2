package dev.modelserving.beam.serving;

import dev.modelserving.beam.record.RejectedModel;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Reports each rejected model once, however many shards or workers rejected it, and counts it
 * (for its data type, and for the model itself when it is one, not a set operation): keyed by the
 * model's uuid (or its name when it has none), the first rejection passes.
 */
final class DistinctRejectionsFn extends DoFn<KV<String, RejectedModel>, RejectedModel> {
  @StateId("reported")
  private final StateSpec<ValueState<Boolean>> reportedSpec = StateSpecs.value(BooleanCoder.of());

  private transient ServingMetrics metrics;

  @Setup
  public void setup() {
    metrics = new ServingMetrics();
  }

  @ProcessElement
  public void process(
      @Element KV<String, RejectedModel> rejection,
      @StateId("reported") ValueState<Boolean> reported,
      OutputReceiver<RejectedModel> out) {
    if (reported.read() != null) {
      return;
    }
    reported.write(true);
    RejectedModel m = rejection.getValue();
    ServingMetrics.DataTypeCounters counters = metrics.of(m.getDataType());
    counters.modelLoadFailures.inc();
    if (m.getFormat() != null && !m.getFormat().isEmpty()) {
      // a model (set operations, which name no format, have no model to count it for)
      counters.model(m.getName(), m.getVersion(), m.getUuid()).loadFailures.inc();
    }
    out.output(rejection.getValue());
  }

  /** The key a rejection is de-duplicated by. */
  static String identity(RejectedModel m) {
    return m.getUuid() != null && !m.getUuid().isEmpty()
        ? "uuid:" + m.getUuid()
        : "name:" + m.getDataType() + "/" + m.getName() + "/" + m.getVersion() + "/" + m.getReason();
  }
}

package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.serving.cache.ModelCache;
import dev.modelserving.beam.serving.cache.ModelLoad;
import java.util.Map;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broadcast mode: decides, per data type, which models may enter the side input, so that every
 * worker only ever receives models that load. A model older than the latest admitted one, one that
 * does not load, or one that reads fields the records do not have is rejected with the reason; the
 * previous model keeps serving. The test load runs on the model stream, off the serving path, and
 * leaves the model in this JVM's cache.
 */
final class AdmitModelsFn extends DoFn<KV<String, ModelDescriptor>, ModelDescriptor> {
  private static final Logger LOG = LoggerFactory.getLogger(AdmitModelsFn.class);

  private final ServingConfig<?> config;
  private final TupleTag<ModelDescriptor> admitted;
  private final TupleTag<RejectedModel> rejected;

  @StateId("latest")
  private final StateSpec<ValueState<ModelSlots>> latestSpec = StateSpecs.value(ModelSlotsCoder.of());

  private transient ModelCache cache;
  private transient ServingMetrics metrics;

  AdmitModelsFn(ServingConfig<?> config, TupleTag<ModelDescriptor> admitted, TupleTag<RejectedModel> rejected) {
    this.config = config;
    this.admitted = admitted;
    this.rejected = rejected;
  }

  @Setup
  public void setup() {
    cache = ModelCache.shared().join(config.maxLoadedModels);
    metrics = new ServingMetrics();
  }

  @Teardown
  public void teardown() {
    if (cache != null) {
      cache.leave();
    }
  }

  @ProcessElement
  public void process(
      @Element KV<String, ModelDescriptor> element,
      @StateId("latest") ValueState<ModelSlots> latestState,
      MultiOutputReceiver out) {
    ModelDescriptor model = element.getValue();
    ModelSlots latest = latestState.read();
    ModelRef current = latest == null ? null : latest.current();
    if (current != null && current.is(model)) {
      return;
    }
    if (current != null && model.getCreatedAtMillis() > 0 && current.createdAtMillis > 0
        && model.getCreatedAtMillis() < current.createdAtMillis) {
      reject(out, model, "it is older than the model it would replace, " + current + " (created "
          + current.createdAtMillis + ", this one " + model.getCreatedAtMillis() + "): models arriving out of order"
          + " are not swapped in; publish it again to roll back to it");
      return;
    }
    ModelLoad load = cache.load(model);
    load.await(KeyedServing.LOAD_WAIT);
    if (load.claimOutcome() && load.isReady()) {
      metrics.of(model.getDataType()).modelLoads.inc();
    }
    if (!load.isReady()) {
      reject(out, model, load.isFailed() ? load.failure() : "it did not load within " + KeyedServing.LOAD_WAIT);
      return;
    }
    String mismatch = config.fieldMismatch(load.model().scorer());
    if (mismatch != null) {
      reject(out, model, mismatch);
      return;
    }
    latestState.write(ModelSlots.of(Map.of(ModelSlots.CURRENT, ModelRef.of(model))));
    LOG.info("Data type '{}' is now served by {} (broadcast to every worker)", model.getDataType(),
        ModelDescriptors.describe(model));
    out.get(admitted).output(model);
  }

  private void reject(MultiOutputReceiver out, ModelDescriptor model, String reason) {
    LOG.warn("Rejected model {}: {}", ModelDescriptors.describe(model), reason);
    out.get(rejected).output(RejectedModel.of(model, reason));
  }
}

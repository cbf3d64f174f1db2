package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.RejectedModel;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a model's bytes from its location if it has one, and sends the model to every shard of its
 * data type. Models that cannot be read, or that serve an unknown data type, are rejected.
 */
final class RouteModelsFn<T> extends DoFn<ModelDescriptor, KV<KV<String, Integer>, ServingEvent<T>>> {
  private static final Logger LOG = LoggerFactory.getLogger(RouteModelsFn.class);

  private final ServingConfig<T> config;
  private final TupleTag<KV<KV<String, Integer>, ServingEvent<T>>> routed;
  private final TupleTag<RejectedModel> rejected;
  private transient ServingMetrics metrics;

  RouteModelsFn(ServingConfig<T> config, TupleTag<KV<KV<String, Integer>, ServingEvent<T>>> routed, TupleTag<RejectedModel> rejected) {
    this.config = config;
    this.routed = routed;
    this.rejected = rejected;
  }

  @Setup
  public void setup() {
    metrics = new ServingMetrics();
  }

  @ProcessElement
  public void process(@Element ModelDescriptor model, MultiOutputReceiver out) {
    ModelDescriptor resolved;
    try {
      ModelDescriptors.checkIdentified(model);
      if (config.dataTypes != null && !config.dataTypes.contains(model.getDataType())) {
        throw new ModelLoadException(
            "model serves unknown data type '" + model.getDataType() + "'; served data types are "
                + config.dataTypes);
      }
      resolved = ModelDescriptors.resolveLocation(model);
      ModelDescriptors.checkLoadable(resolved);
    } catch (ModelLoadException e) {
      LOG.warn("Rejected model {}: {}", ModelDescriptors.describe(model), e.getMessage());
      metrics.inc(model.getDataType(), ServingMetrics.MODEL_LOAD_FAILURES);
      out.get(rejected).output(RejectedModel.of(model, e.getMessage()));
      return;
    }
    for (int shard = 0; shard < config.shards; shard++) {
      out.get(routed)
          .output(KV.of(KV.of(resolved.getDataType(), shard), ServingEvent.model(resolved)));
    }
  }
}

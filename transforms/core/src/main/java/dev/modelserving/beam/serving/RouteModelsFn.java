package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.RejectedModel;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a model message is complete (a model names its data type, format and uuid; a set
 * operation what it needs) and serves a known data type, and reads a model's bytes from its
 * location if it has one (only from an allowed location), and checks its {@link
 * dev.modelserving.beam.model.ModelGuard} (limits, signature), once, before the message is fanned out. Messages that fail are rejected
 * with the reason.
 */
final class RouteModelsFn extends DoFn<ModelDescriptor, ModelDescriptor> {
  private static final Logger LOG = LoggerFactory.getLogger(RouteModelsFn.class);

  private final ServingConfig<?> config;
  private final TupleTag<ModelDescriptor> routed;
  private final TupleTag<RejectedModel> rejected;

  RouteModelsFn(ServingConfig<?> config, TupleTag<ModelDescriptor> routed, TupleTag<RejectedModel> rejected) {
    this.config = config;
    this.routed = routed;
    this.rejected = rejected;
  }

  @ProcessElement
  public void process(@Element ModelDescriptor model, MultiOutputReceiver out) {
    try {
      ModelDescriptors.checkOperation(model);
      if (config.dataTypes != null && !config.dataTypes.contains(model.getDataType())) {
        throw new ModelLoadException(
            "model serves unknown data type '" + model.getDataType() + "'; served data types are " + config.dataTypes);
      }
      if (!ModelDescriptors.isAdd(model)) {
        config.guard.admit(model); // with trusted keys, set operations are signed too
        out.get(routed).output(model); // a set operation: remove, rollback or route
        return;
      }
      ModelDescriptor resolved = config.guard.admit(model); // location, limits, signature: before any loader
      ModelDescriptors.checkLoadable(resolved);
      out.get(routed).output(resolved);
    } catch (ModelLoadException e) {
      LOG.warn("Rejected model {}: {}", ModelDescriptors.describe(model), e.getMessage());
      out.get(rejected).output(RejectedModel.of(model, e.getMessage()));
    }
  }
}

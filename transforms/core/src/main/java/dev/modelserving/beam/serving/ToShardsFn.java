package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/** Keyed mode: sends a model to every shard of its data type. */
final class ToShardsFn<T> extends DoFn<ModelDescriptor, KV<KV<String, Integer>, ServingEvent<T>>> {
  private final ShardKeys shardKeys;

  ToShardsFn(ShardKeys shardKeys) {
    this.shardKeys = shardKeys;
  }

  @ProcessElement
  public void process(@Element ModelDescriptor model, OutputReceiver<KV<KV<String, Integer>, ServingEvent<T>>> out) {
    ServingEvent<T> event = ServingEvent.model(model);
    for (int id : shardKeys.ids(model.getDataType())) {
      out.output(KV.of(KV.of(model.getDataType(), id), event));
    }
  }
}

package dev.modelserving.beam.benchmarks.policies;

import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;

/** How the policy suite's pipelines configure {@code ServeModels}: as {@link ServingSetup} does, plus the policy. */
final class PolicyPipelines {
  private PolicyPipelines() {}

  /**
   * The transform of {@code setup} under {@code policy}, with the record id as the id routing
   * hashes and as the payload of dead letters (the benchmark records carry no payload, and the id
   * tells when a record was due), reading its models from {@code models}.
   */
  static ServeModels<DataRecord> serveModels(ServingSetup setup, ServingPolicy policy, PCollection<ModelDescriptor> models) {
    return setup.serveModels()
        .withPolicy(policy)
        .withRecordIdFn(DataRecord::getId)
        .withPayloadFormatter(DataRecord::getId)
        .withModels(models);
  }

  /** The model stream: a {@code Create} of the descriptors (every model of the set at once). */
  static PCollection<ModelDescriptor> models(Pipeline pipeline, List<ModelDescriptor> models) {
    return pipeline.apply("Models", Create.of(models).withCoder(ModelDescriptorCoder.of()));
  }
}

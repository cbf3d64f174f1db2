package dev.modelserving.beam.benchmarks.policies;

import dev.modelserving.beam.benchmarks.latency.TimedWineRecords;
import dev.modelserving.beam.benchmarks.serve.FlinkLocal;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.ServingOptions;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.pipeline.record.DataRecordCoder;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * An unbounded, paced {@code ServeModels} pipeline under a serving policy on the local Flink
 * mini-cluster, started detached: wine records at a fixed rate ({@link TimedWineRecords}) counted
 * into a {@link PolicyProbe} on their way in, a set of models from a {@code Create}, and every
 * output (scored, review, dead letters, unserved) reported to the probe. The caller cancels it.
 */
public final class PolicyLatencyJob {
  private PolicyLatencyJob() {}

  /** Starts the pipeline and returns its (running) result. */
  public static PipelineResult start(List<ModelDescriptor> models, ServingPolicy policy, ServingSetup setup,
      double ratePerSecond, PolicyProbe probe) {
    ServingOptions options = FlinkLocal.options(setup.parallelism(), setup.bundles(), false);
    options.setJobName("policy-latency-" + policy.name() + "-" + System.nanoTime());
    Pipeline pipeline = Pipeline.create(options);
    PCollection<DataRecord> records = pipeline
        .apply("TimedWines", TimedWineRecords.at(ratePerSecond))
        .apply("CountInput", ParDo.of(new PolicyProbeFns.CountInputFn(probe.name())))
        .setCoder(DataRecordCoder.of());
    ServeModels.Result<DataRecord> served = records.apply("ServeModels",
        PolicyPipelines.serveModels(setup, policy, PolicyPipelines.models(pipeline, models)));
    served.getScored().apply("ObserveScored", ParDo.of(new PolicyProbeFns.ObserveFn(probe.name(), false)));
    served.getReview().apply("ObserveReview", ParDo.of(new PolicyProbeFns.ObserveFn(probe.name(), true)));
    served.getDeadLetters().apply("CountDeadLetters", ParDo.of(new PolicyProbeFns.CountFailureFn(probe.name())));
    served.getUnserved().apply("CountUnserved", ParDo.of(new PolicyProbeFns.CountFailureFn(probe.name())));
    return pipeline.run();
  }
}

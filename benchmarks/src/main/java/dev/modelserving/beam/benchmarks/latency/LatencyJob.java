package dev.modelserving.beam.benchmarks.latency;

import dev.modelserving.beam.benchmarks.serve.FlinkLocal;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.ServingOptions;
import dev.modelserving.beam.pipeline.record.DataRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * An unbounded {@code ServeModels} pipeline on the local Flink mini-cluster, started detached:
 * wine records at a fixed rate ({@link TimedWineRecords}), one model from a {@code Create}, and
 * {@link RecordLatencyFn} recording each scored record's latency into a per-JVM collector. The
 * caller cancels it.
 */
public final class LatencyJob {
  private LatencyJob() {}

  /** Starts the pipeline and returns its (running) result. */
  public static PipelineResult start(ModelDescriptor model, ServingSetup setup, double ratePerSecond, String collector) {
    ServingOptions options = FlinkLocal.options(setup.parallelism(), setup.bundles(), false);
    options.setJobName("latency-" + ServingSetup.modeName(setup.mode()) + "-" + System.nanoTime());
    Pipeline pipeline = Pipeline.create(options);
    PCollection<DataRecord> records = pipeline.apply("TimedWines", TimedWineRecords.at(ratePerSecond));
    PCollection<ModelDescriptor> models =
        pipeline.apply("Model", Create.of(model).withCoder(ModelDescriptorCoder.of()));
    records.apply("ServeModels", setup.serveModels().withModels(models))
        .getScored()
        .apply("RecordLatency", ParDo.of(new RecordLatencyFn(collector)));
    return pipeline.run();
  }
}

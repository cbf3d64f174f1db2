package dev.modelserving.beam.benchmarks.serve;

import dev.modelserving.beam.benchmarks.workload.WineDataRecords;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.ServingOptions;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.ServingMetrics;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * One bounded run of {@link ServeModels} on the local Flink mini-cluster: {@code n} wine records
 * ({@link WineDataRecords}) scored with one model (a {@code Create} of its descriptor), the scored
 * records counted and dropped ({@link CountScoredFn}). The run is attached: {@link #run} returns
 * when the job has ended, with the wall-clock time from submission to the end.
 */
public final class ServeJob {
  private ServeJob() {}

  /**
   * What one run did.
   *
   * @param scored records that reached the counting step
   * @param deadLettered records the library dead-lettered (must be 0)
   * @param unserved records the library left unserved (must be 0)
   */
  public record Outcome(long records, long scored, long deadLettered, long unserved, double seconds) {
    /** Whether every record was scored, and nothing else came out. */
    public boolean complete() {
      return scored == records && deadLettered == 0 && unserved == 0;
    }

    /** Why the run is not complete, for an error message. */
    public String describe() {
      return String.format(Locale.ROOT, "scored %,d of %,d records (%,d dead-lettered, %,d unserved)",
          scored, records, deadLettered, unserved);
    }
  }

  /** Scores {@code n} records with {@code model} as {@code setup} says and waits for the end. */
  public static Outcome run(ModelDescriptor model, ServingSetup setup, long n) {
    ServingOptions options = FlinkLocal.options(setup.parallelism(), setup.bundles(), true);
    options.setJobName("serve-" + ServingSetup.modeName(setup.mode()) + "-p" + setup.parallelism()
        + "-" + System.nanoTime());
    Pipeline pipeline = Pipeline.create(options);
    PCollection<DataRecord> records = pipeline.apply("Wines", WineDataRecords.of(n));
    PCollection<ModelDescriptor> models =
        pipeline.apply("Model", Create.of(model).withCoder(ModelDescriptorCoder.of()));
    records.apply("ServeModels", setup.serveModels().withModels(models))
        .getScored()
        .apply("CountAndDrop", ParDo.of(new CountScoredFn<>()));
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the ServeModels job ended in state " + state + " instead of DONE");
    }
    return new Outcome(n,
        counter(result, CountScoredFn.NAMESPACE, CountScoredFn.SCORED),
        servingCounter(result, ServingMetrics.DEAD_LETTERED),
        servingCounter(result, ServingMetrics.UNSERVED),
        seconds);
  }

  private static long counter(PipelineResult result, String namespace, String name) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(namespace, name)).build());
    long total = 0;
    for (MetricResult<Long> c : metrics.getCounters()) {
      total += c.getAttempted() == null ? 0 : c.getAttempted();
    }
    return total;
  }

  /** The sum over data types of a serving counter ({@code <dataType>/<event>}). */
  private static long servingCounter(PipelineResult result, String event) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.inNamespace(ServingMetrics.NAMESPACE)).build());
    long total = 0;
    for (MetricResult<Long> c : metrics.getCounters()) {
      if (c.getName().getName().endsWith("/" + event)) {
        total += c.getAttempted() == null ? 0 : c.getAttempted();
      }
    }
    return total;
  }
}

package dev.modelserving.beam.benchmarks.heap;

import dev.modelserving.beam.benchmarks.Suite;
import dev.modelserving.beam.benchmarks.SuiteContext;
import dev.modelserving.beam.benchmarks.latency.Gates;
import dev.modelserving.beam.benchmarks.latency.Pipelines;
import dev.modelserving.beam.benchmarks.latency.TimedWineRecords;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.HeapResult;
import dev.modelserving.beam.benchmarks.report.Suites;
import dev.modelserving.beam.benchmarks.serve.BundleSettings;
import dev.modelserving.beam.benchmarks.serve.FlinkLocal;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.ServingOptions;
import dev.modelserving.beam.serving.NoModelPolicy;
import dev.modelserving.beam.serving.ServingMode;
import dev.modelserving.beam.serving.cache.ModelCache;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.ParDo;

/**
 * Heap with many data types: {@code ServeModels} in keyed mode on the local Flink mini-cluster
 * serving {@code --heap-types} data types, each with the PMML tree (version 1) then the PMML
 * regression (version 2), so each has a current and a previous model, under a light load spread
 * over all types. Heap after GC is read before the pipeline, with the pipeline running but idle
 * (its input held back by a gate), and once every data type has been scored by its newer model.
 */
public final class HeapSuite implements Suite {
  /** Records a second spread over all data types. */
  static final double RECORD_RATE = 2_000;
  /** Model messages a second. */
  static final double MODEL_RATE = 200;
  /** Longest wait for every data type to be served by its newer model. */
  static final long SERVED_TIMEOUT_SECONDS = 240;

  @Override
  public String name() {
    return Suites.HEAP;
  }

  @Override
  public List<BenchmarkResult> run(SuiteContext context) throws Exception {
    int types = context.options().load().heapTypes();
    int p = Collections.max(context.options().parallelism());
    ModelDescriptor tree = context.models().descriptor(BenchmarkModel.TREE);
    ModelDescriptor linear = context.models().descriptor(BenchmarkModel.LINEAR);
    ModelCache cache = ModelCache.shared();

    double before = HeapProbe.usedAfterGcMiB();
    int loadedBefore = cache.loadedCount();
    context.log("[heap] before the pipeline: %.1f MiB used after GC, %d models loaded", before, loadedBefore);
    String gate = Gates.newGate();
    String sightings = ModelSightings.open();
    PipelineResult result = null;
    try {
      result = start(p, types, tree, linear, gate, sightings);
      Pipelines.runFor(result, 8);
      double idle = HeapProbe.usedAfterGcMiB();
      int loadedIdle = cache.loadedCount();
      context.log("[heap] pipeline running, no models yet: %.1f MiB", idle);
      Gates.open(gate);
      long start = System.nanoTime();
      awaitServedByNewer(result, ModelSightings.of(sightings), types, linear.getName());
      double servedAfter = (System.nanoTime() - start) / 1e9;
      Pipelines.runFor(result, 2);
      int loaded = awaitSteadyLoadedCount(result, cache);
      double after = HeapProbe.usedAfterGcMiB();
      int models = 2 * types;
      double perModel = (after - idle) / models;
      context.log("[heap] %d data types × 2 models, all served by their newer model after %.1f s: %.1f MiB, %d models"
          + " loaded; %.3f MiB per model", types, servedAfter, after, loaded, perModel);
      String keyed = String.format(Locale.ROOT, "keyed mode, %d shard(s) per data type", p);
      context.addHeap(new HeapResult("JVM before the pipeline", before, loadedBefore,
          "after the suites before it; the broker and earlier jobs are gone"));
      context.addHeap(new HeapResult("pipeline running, no models yet", idle, loadedIdle,
          keyed + "; input held back"));
      context.addHeap(new HeapResult(types + " data types × 2 models served", after, loaded, String.format(Locale.ROOT,
          "%s; tree (v1, previous) then linear (v2, current) per type; every type scored by v2 after %.1f s;"
              + " %,.0f records/s over all types", keyed, servedAfter, RECORD_RATE)));
      context.addHeap(new HeapResult("per model", perModel, -1, String.format(Locale.ROOT,
          "(%.1f − %.1f MiB) / %d models published; includes each key's copy of the model bytes in keyed state"
              + " and the loaded evaluators", after, idle, models)));
    } finally {
      Pipelines.cancel(result);
      Gates.remove(gate);
      ModelSightings.close(sightings);
    }
    context.addSetting(String.format(Locale.ROOT,
        "heap: %d data types, 2 PMML models each, keyed mode at p=%d on Flink [local]; heap used after System.gc()"
            + " (lowest of 3 readings, MemoryMXBean); models loaded = ModelCache.shared().loadedCount()", types, p));
    return List.of();
  }

  private static PipelineResult start(int p, int types, ModelDescriptor tree, ModelDescriptor linear, String gate,
      String sightings) {
    ServingOptions options = FlinkLocal.options(p, BundleSettings.APP, false);
    options.setJobName("heap-" + types + "-types-" + System.nanoTime());
    Pipeline pipeline = Pipeline.create(options);
    ServingSetup setup = new ServingSetup(ServingMode.KEYED, p, BundleSettings.APP);
    pipeline.apply("TimedWines", TimedWineRecords.at(RECORD_RATE).withDataTypes(types).withGate(gate))
        .apply("ServeModels", setup.serveModels(NoModelPolicy.defaultPolicy())
            .withModels(pipeline.apply("Models", new ManyModels(types, tree, linear, MODEL_RATE, gate))))
        .getScored()
        .apply("SightModels", ParDo.of(new SightModelsFn(sightings)));
    return pipeline.run();
  }

  private static void awaitServedByNewer(PipelineResult result, Map<String, String> seen, int types, String newer)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SERVED_TIMEOUT_SECONDS);
    while (true) {
      long served = seen.values().stream().filter(newer::equals).count();
      if (served >= types) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "after %d s only %d of %d data types were scored by their newer model", SERVED_TIMEOUT_SECONDS, served, types));
      }
      Pipelines.runFor(result, 0.2);
    }
  }

  /** Waits (up to 10 s) until the loaded-model count is the same twice in a row a second apart. */
  private static int awaitSteadyLoadedCount(PipelineResult result, ModelCache cache) throws InterruptedException {
    int last = cache.loadedCount();
    for (int i = 0; i < 10; i++) {
      Pipelines.runFor(result, 1);
      int now = cache.loadedCount();
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }
}

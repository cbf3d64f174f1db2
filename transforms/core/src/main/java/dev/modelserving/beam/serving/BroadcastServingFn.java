package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.cache.LoadedModel;
import dev.modelserving.beam.serving.cache.ModelCache;
import dev.modelserving.beam.serving.cache.ModelLoad;
import dev.modelserving.beam.serving.policy.Plan;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;

/**
 * Broadcast serving: scores each batch where it was packed, under its data type's policy, with the
 * model set from the side input ({@link LatestModels}, merged from the values the runner delivers),
 * without a shuffle.
 *
 * <p>Each instance remembers the version it serves of each model. When the side input names a newer
 * one, it is loaded in the JVM-wide cache off the serving path; with {@link SwapPolicy#WHEN_READY}
 * the model before it keeps serving until it is ready, with {@link SwapPolicy#IN_ORDER} (and for
 * the first model of a data type) the batch waits for the load.
 */
final class BroadcastServingFn<T> extends DoFn<KV<KV<String, Integer>, RecordBatch<T>>, ScoredRecord<T>> {
  static final String SIDE_INPUT = "models";

  private final ServingConfig<T> config;
  private final ServingTags<T> tags;

  private transient ModelCache cache;
  private transient ServingMetrics metrics;
  private transient PolicyServer<T> server;
  /** The version each model (by data type and name) is served with in this instance. */
  private transient Map<String, ModelDescriptor> serving;
  /** Models this instance has reported as failed, so each is reported once. */
  private transient Set<String> reported;
  private transient String instanceKey;
  /** The latest models this instance has seen in the side input. */
  private transient LatestModels seen;

  BroadcastServingFn(ServingConfig<T> config, ServingTags<T> tags) {
    this.config = config;
    this.tags = tags;
  }

  @Setup
  public void setup() {
    cache = ModelCache.shared().join(config.maxLoadedModels);
    metrics = new ServingMetrics();
    server = new PolicyServer<>(config, new BatchServer<>(config));
    serving = new HashMap<>();
    reported = new HashSet<>();
    instanceKey = config.transformId + "/broadcast-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "/";
  }

  @Teardown
  public void teardown() {
    if (cache != null) {
      serving.keySet().forEach(name -> cache.serve(instanceKey + name, null));
      cache.leave();
    }
  }

  @ProcessElement
  public void process(
      @Element KV<KV<String, Integer>, RecordBatch<T>> element,
      @SideInput(SIDE_INPUT) Iterable<LatestModels> views,
      MultiOutputReceiver receiver) {
    RecordBatch<T> batch = element.getValue();
    ServingOutputs<T> out = new ServingOutputs<>(config, tags, receiver, metrics);
    String dataType = batch.dataType();
    ModelSetSnapshot snapshot = latest(views).get(dataType);
    if (snapshot == null) {
      out.unserved(batch, config.boundedInput
          ? "no model serves data type '" + dataType + "': none arrived before the input ended"
          : "no model has arrived for data type '" + dataType + "'");
      return;
    }
    Plan plan = server.plan(dataType, snapshot.names(), snapshot.routing);
    ServedSet set = new ServedSet(snapshot.names(), snapshot.routing);
    try {
      for (String name : plan.calledModels()) {
        ModelDescriptor model = switchTo(dataType, snapshot.model(name), out);
        LoadedModel loaded = model == null ? null : acquire(model);
        if (loaded == null) {
          out.unserved(batch, "model " + ModelRef.of(snapshot.model(name)) + " could not be loaded in this worker");
          return;
        }
        set.put(new ServedModel(ModelRef.of(model), loaded));
      }
      server.serve(batch, set, plan, out);
    } finally {
      set.release();
    }
  }

  /**
   * The latest models the side input holds. Models are never withdrawn from it, so an empty value
   * (which a runner might deliver when a bounded model stream ends) does not erase the models this
   * instance has seen.
   */
  private LatestModels latest(Iterable<LatestModels> views) {
    LatestModels merged = LatestModels.merge(views);
    if (merged.size() > 0 || seen == null) {
      seen = merged;
    }
    return seen;
  }

  /** See {@link ServingOutputs}: records keep their own timestamps. */
  @Override
  @SuppressWarnings("deprecation")
  public Duration getAllowedTimestampSkew() {
    return Duration.millis(Long.MAX_VALUE);
  }

  /**
   * The version of a model to serve with now: {@code newest} once it has loaded, else the version
   * of the same name serving before it (with {@link SwapPolicy#WHEN_READY}), else null.
   */
  private ModelDescriptor switchTo(String dataType, ModelDescriptor newest, ServingOutputs<T> out) {
    String servingName = dataType + "/" + newest.getName();
    ModelDescriptor current = serving.get(servingName);
    if (current != null && current.getUuid().equals(newest.getUuid())) {
      return current;
    }
    ModelLoad load = cache.load(newest, config.guard);
    if (current == null || config.swapPolicy == SwapPolicy.IN_ORDER || config.boundedInput) {
      load.await(KeyedServing.LOAD_WAIT);
    }
    if (load.isReady()) {
      if (load.claimOutcome()) {
        metrics.of(dataType).modelLoads.inc();
        metrics.of(dataType).model(ModelRef.of(newest)).loads.inc();
      }
      serving.put(servingName, newest);
      cache.serve(instanceKey + servingName, newest.getUuid());
      return newest;
    }
    if (load.isFailed() && reported.add(newest.getUuid())) {
      out.rejected(RejectedModel.of(newest, load.failure()));
    }
    return current;
  }

  /** Acquires the loaded model, loading it again if the cache evicted it. */
  private LoadedModel acquire(ModelDescriptor model) {
    ModelLoad load = cache.load(model, config.guard);
    if (!load.isReady()) {
      load.await(KeyedServing.LOAD_WAIT);
    }
    LoadedModel loaded = load.model();
    return loaded != null && loaded.tryAcquire() ? loaded : null;
  }
}

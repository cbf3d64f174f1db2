package dev.modelserving.beam.serving.cache;

import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded models of this JVM, shared by every DoFn instance and thread (the {@code Shared}
 * handle pattern of Beam Python's RunInference): a model is loaded once per JVM, by uuid, on a
 * small pool of loader threads, off the serving path.
 *
 * <pre>{@code
 * ModelLoad load = ModelCache.shared().load(descriptor);  // starts loading, or finds the load
 * if (load.isReady() && load.model().tryAcquire()) {
 *   try {
 *     load.model().scorer().scoreBatch(batch);
 *   } finally {
 *     load.model().release();
 *   }
 * }
 * }</pre>
 *
 * <p>Serving keys say which model they serve with {@link #serve}; a model that no key serves any
 * more is closed (once its calls in flight end). The cache holds at most {@link #maxModels()}
 * loaded models: past that, the least recently used are closed, and a key that still needs one
 * loads it again. A failed load is remembered for {@link #FAILURE_TTL_NANOS} so a bad model is
 * not reloaded on every batch.
 */
public final class ModelCache {
  /** Default bound on loaded models per JVM. */
  public static final int DEFAULT_MAX_MODELS = 200;
  /** How long a failed load is remembered before a new request tries again: one minute. */
  public static final long FAILURE_TTL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final ModelCache SHARED = new ModelCache(DEFAULT_MAX_MODELS);
  private static final ExecutorService LOADERS = loaderPool();

  private final Map<String, ModelLoad> loads = new ConcurrentHashMap<>();
  private final Map<String, String> uuidByServingKey = new HashMap<>();
  private final Map<String, Integer> servingKeysByUuid = new HashMap<>();
  private final AtomicLong loadsStarted = new AtomicLong();
  private final AtomicInteger users = new AtomicInteger();
  private volatile int maxModels;

  private ModelCache(int maxModels) {
    this.maxModels = maxModels;
  }

  /** The cache of this JVM (of this class loader: one per job on a Flink session cluster). */
  public static ModelCache shared() {
    return SHARED;
  }

  /** A separate cache, for tests. */
  public static ModelCache create(int maxModels) {
    checkBound(maxModels);
    return new ModelCache(maxModels);
  }

  /** The bound on loaded models. */
  public int maxModels() {
    return maxModels;
  }

  /**
   * Raises the bound to {@code maxModels} if it is lower: several transforms in one JVM share the
   * cache, and the largest bound any of them asks for applies.
   */
  public synchronized void ensureCapacity(int maxModels) {
    checkBound(maxModels);
    if (maxModels > this.maxModels) {
      this.maxModels = maxModels;
    }
  }

  /**
   * The load of {@code descriptor} (which must carry its bytes): started now on a loader thread if
   * this JVM has not loaded it, or the existing one. Never blocks on the load.
   */
  public ModelLoad load(ModelDescriptor descriptor) {
    return load(descriptor, ModelGuard.defaults());
  }

  /**
   * {@link #load(ModelDescriptor)} under a {@link ModelGuard}: the format applies its archive
   * limits and graph op allow-list (a load already started or remembered for the uuid is returned
   * as it is).
   */
  public ModelLoad load(ModelDescriptor descriptor, ModelGuard guard) {
    String uuid = descriptor.getUuid();
    ModelLoad existing = loads.get(uuid);
    if (isUsable(existing)) {
      existing.touch();
      return existing;
    }
    ModelLoad load;
    synchronized (this) {
      existing = loads.get(uuid);
      if (isUsable(existing)) {
        return existing;
      }
      load = new ModelLoad(descriptor);
      loads.put(uuid, load);
    }
    loadsStarted.incrementAndGet();
    // The loader threads outlive a job; the format code looks classes up through the context class
    // loader, which must be the calling job's (a runner closes a finished job's loader).
    ClassLoader jobLoader = Thread.currentThread().getContextClassLoader();
    LOADERS.execute(() -> {
      Thread t = Thread.currentThread();
      ClassLoader before = t.getContextClassLoader();
      t.setContextClassLoader(jobLoader);
      try {
        runLoad(descriptor, guard, load);
      } finally {
        t.setContextClassLoader(before);
      }
    });
    return load;
  }

  /** The load of a model by uuid, if this JVM has one (loading, ready or failed), else null. */
  public ModelLoad get(String uuid) {
    ModelLoad load = loads.get(uuid);
    if (load != null) {
      load.touch();
    }
    return load;
  }

  /**
   * Records that {@code servingKey} now serves {@code uuid} (null: nothing). A model no key serves
   * any more is closed once its calls in flight end.
   */
  public synchronized void serve(String servingKey, String uuid) {
    String previous = uuid == null ? uuidByServingKey.remove(servingKey) : uuidByServingKey.put(servingKey, uuid);
    if (uuid != null && uuid.equals(previous)) {
      return;
    }
    if (uuid != null) {
      servingKeysByUuid.merge(uuid, 1, Integer::sum);
    }
    if (previous != null && servingKeysByUuid.merge(previous, -1, Integer::sum) <= 0) {
      servingKeysByUuid.remove(previous);
      ModelLoad unused = loads.remove(previous);
      if (unused != null && unused.model() != null) {
        LOG.info("Closing model {}: no serving key uses it any more", unused.description());
        unused.model().retire();
      }
    }
  }

  /** How many loads this cache has started; a model served by many keys counts once. */
  public long loadsStarted() {
    return loadsStarted.get();
  }

  /** Models loaded and not yet closed. */
  public int loadedCount() {
    int n = 0;
    for (ModelLoad load : loads.values()) {
      if (load.isReady()) {
        n++;
      }
    }
    return n;
  }

  /**
   * Joins the cache as a user (a DoFn instance, at its setup) that wants room for {@code maxModels}
   * models (see {@link #ensureCapacity}); returns the cache. Pair it with {@link #leave()}.
   */
  public ModelCache join(int maxModels) {
    ensureCapacity(maxModels);
    users.incrementAndGet();
    return this;
  }

  /** Leaves the cache (at teardown); when the last user leaves (the job ends) every model is closed. */
  public void leave() {
    if (users.decrementAndGet() <= 0) {
      closeAll();
    }
  }

  /** Closes every model and forgets every load. */
  public synchronized void closeAll() {
    for (ModelLoad load : loads.values()) {
      if (load.model() != null) {
        load.model().retire();
      }
    }
    loads.clear();
    uuidByServingKey.clear();
    servingKeysByUuid.clear();
  }

  private void runLoad(ModelDescriptor descriptor, ModelGuard guard, ModelLoad load) {
    long start = System.nanoTime();
    try {
      Scorer scorer = ModelFormats.load(descriptor, guard);
      evictBeyondBound(load); // first, so that whoever sees this load ready sees the cache within its bound
      load.succeed(new LoadedModel(load.uuid(), scorer, System.nanoTime() - start));
      LOG.info("Loaded model {} in {} ms", load.description(), (System.nanoTime() - start) / 1_000_000);
    } catch (ModelLoadException e) {
      load.fail(e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      load.fail(descriptor.getFormat() + " model could not be loaded: " + e);
    }
  }

  /** Closes the least recently used loaded models while more than the bound are loaded. */
  private synchronized void evictBeyondBound(ModelLoad justLoaded) {
    List<ModelLoad> ready = new ArrayList<>();
    for (ModelLoad load : loads.values()) {
      if (load.isReady() && load != justLoaded) {
        ready.add(load);
      }
    }
    int excess = ready.size() + 1 - maxModels;
    if (excess <= 0) {
      return;
    }
    ready.sort(Comparator.comparingLong(ModelLoad::lastUsedNanos));
    for (ModelLoad victim : ready.subList(0, excess)) {
      loads.remove(victim.uuid());
      victim.model().retire();
      LOG.warn("Evicted model {}: more than {} models loaded in this JVM (raise the bound with"
          + " ServeModels.withMaxLoadedModels if keys keep reloading it)", victim.description(), maxModels);
    }
  }

  private static boolean isUsable(ModelLoad load) {
    if (load == null) {
      return false;
    }
    if (load.isFailed()) {
      return System.nanoTime() - load.finishedAtNanos() < FAILURE_TTL_NANOS;
    }
    return !load.isReady() || !load.model().isRetired();
  }

  private static void checkBound(int maxModels) {
    if (maxModels < 1) {
      throw new IllegalArgumentException("the model cache needs room for at least 1 model, was " + maxModels);
    }
  }

  private static ExecutorService loaderPool() {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "model-loader-" + n.incrementAndGet());
      t.setDaemon(true);
      t.setPriority(Thread.NORM_PRIORITY - 1);
      return t;
    };
    return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
  }
}

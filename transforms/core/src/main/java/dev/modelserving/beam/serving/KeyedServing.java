package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.serving.cache.LoadedModel;
import dev.modelserving.beam.serving.cache.ModelCache;
import dev.modelserving.beam.serving.cache.ModelLoad;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerMap;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one serving key does with one event or timer, over its state (see {@link KeyedServingFn}):
 * stage arriving models and load them off the serving path, promote a loaded model atomically,
 * score batches with the current model, hold batches no model can score yet, and buffer batches
 * smaller than the minimum batch size.
 */
final class KeyedServing<T> {
  static final String DECISION_CURRENT = "current";
  /** How often a key with a model loading checks whether the load has ended. */
  static final org.joda.time.Duration LOAD_POLL = org.joda.time.Duration.millis(20);
  /** How long a bounded run, or the end of the input, waits for a load. */
  static final Duration LOAD_WAIT = Duration.ofMinutes(10);
  /** Models per key that may wait for their load at once; past it the oldest is dropped. */
  static final int MAX_CANDIDATES = 8;

  private static final Logger LOG = LoggerFactory.getLogger(KeyedServing.class);

  /** The processing-time waits of a key, in the DoFn's timer family. */
  static final String HOLD_EXPIRED = "holdExpired";
  static final String LOAD_POLL_TIMER = "loadPoll";
  static final String FLUSH = "flush";

  /** The timers of a key: its processing-time waits, and the end of the input. */
  static final class Timers {
    private final TimerMap waits;
    final Timer inputEnded;

    Timers(TimerMap waits, Timer inputEnded) {
      this.waits = waits;
      this.inputEnded = inputEnded;
    }

    Timer holdExpired() {
      return waits.get(HOLD_EXPIRED);
    }

    Timer loadPoll() {
      return waits.get(LOAD_POLL_TIMER);
    }

    Timer flush() {
      return waits.get(FLUSH);
    }
  }

  private final ServingConfig<T> config;
  private final ModelCache cache;
  private final BatchServer<T> server;
  private final KV<String, Integer> key;
  private final String servingKey;
  private final KeyedModelState models;
  private final BatchBag<T> held;
  private final BatchBag<T> buffer;
  private final Timers timers;
  private final ServingOutputs<T> out;

  KeyedServing(ServingConfig<T> config, ModelCache cache, BatchServer<T> server, KV<String, Integer> key,
      KeyedModelState models, BatchBag<T> held, BatchBag<T> buffer, Timers timers, ServingOutputs<T> out) {
    this.config = config;
    this.cache = cache;
    this.server = server;
    this.key = key;
    this.servingKey = config.transformId + "/" + key.getKey() + "/" + key.getValue();
    this.models = models;
    this.held = held;
    this.buffer = buffer;
    this.timers = timers;
    this.out = out;
  }

  // ---- events ----------------------------------------------------------------------------------

  void onModel(ModelDescriptor model) {
    if (models.slots().hasCandidates() && (config.swapPolicy == SwapPolicy.IN_ORDER || config.boundedInput)) {
      // In order, the models before this one settle first (and score the records held for them), so
      // that this one takes over exactly here, even if it is the model that served before them.
      advance(true);
    }
    if (models.slots().knows(model.getUuid())) {
      return; // a replay of a model this key has
    }
    ModelRef current = models.slots().current();
    if (current != null && isOlder(model, current)) {
      reject(model, "it is older than the model it would replace, " + current + " (created "
          + current.createdAtMillis + ", this one " + model.getCreatedAtMillis() + "): models arriving out of"
          + " order are not swapped in; publish it again to roll back to it");
      return;
    }
    if (models.slots().candidates().size() >= MAX_CANDIDATES) {
      ModelRef oldest = models.slots().candidates().get(0);
      reject(models.descriptor(oldest.uuid), "more than " + MAX_CANDIDATES + " newer models arrived while it"
          + " was loading; it never served");
      models.dropCandidate(oldest.uuid);
    }
    models.addCandidate(model);
    cache.load(model);
    advance(config.boundedInput);
  }

  void onBatch(RecordBatch<T> batch) {
    advance(false);
    if (!held.isEmpty() || mustWait()) {
      hold(batch);
      return;
    }
    if (config.batchLimits.getMin() > 1 && !config.boundedInput) {
      bufferOrServe(batch);
      return;
    }
    serveOrHold(batch);
  }

  /** A processing-time wait is over: see {@link Timers}. */
  void onWaitOver(String wait) {
    switch (wait) {
      case HOLD_EXPIRED:
        onHoldExpired();
        break;
      case LOAD_POLL_TIMER:
        advance(false); // checks the loads, and scores held records once their model is ready
        break;
      case FLUSH:
        onFlush();
        break;
      default:
        throw new IllegalStateException("unknown wait '" + wait + "'");
    }
  }

  private void onFlush() {
    List<RecordBatch<T>> waiting = buffer.drain();
    if (!waiting.isEmpty()) {
      serveOrHold(RecordBatch.concat(key.getKey(), waiting));
    }
  }

  private void onHoldExpired() {
    unserveHeld(waitingFor() == null
        ? "no model arrived for data type '" + key.getKey() + "' within " + config.noModelPolicy.getMaxHoldTime()
        : "model " + waitingFor() + " was still loading after " + config.noModelPolicy.getMaxHoldTime());
  }

  /** The input has ended (the watermark reached the end of the global window): finish everything. */
  void onInputEnded() {
    advance(true);
    onFlush();
    if (!held.isEmpty()) {
      unserveHeld(waitingFor() == null
          ? "the input ended and no model for data type '" + key.getKey() + "' arrived"
          : "the input ended while model " + waitingFor() + " could not be loaded");
    }
  }

  /** The model held records wait for: the newest candidate, else the current model; null if none. */
  private ModelRef waitingFor() {
    List<ModelRef> candidates = models.slots().candidates();
    return candidates.isEmpty() ? models.slots().current() : candidates.get(candidates.size() - 1);
  }

  // ---- models ----------------------------------------------------------------------------------

  /**
   * Resolves the candidates whose loads have ended (promotes the newest that loaded, rejects those
   * that failed, drops those a newer current model makes obsolete), makes sure the current model is
   * loaded in this JVM, scores held records once nothing stops them, and polls while a load runs.
   *
   * <p>With {@code wait}, waits for the loads first. A key with no usable model (its first model,
   * or its current one after a restore) waits too: nothing serves meanwhile, so waiting pauses
   * nothing, and the records it holds do not depend on a timer to be scored.
   */
  private void advance(boolean wait) {
    boolean waitHere = wait || !hasUsableCurrent();
    if (models.slots().hasCandidates()) {
      resolveCandidates(waitHere);
    }
    ModelRef current = models.slots().current();
    if (current != null) {
      loadOf(current, wait || !hasUsableCurrent()); // after a restore or an eviction: load it again
    }
    if (!held.isEmpty() && !mustWait()) {
      List<RecordBatch<T>> waiting = held.drain();
      timers.holdExpired().clear();
      timers.inputEnded.clear();
      timers.loadPoll().clear(); // it held the watermark at the earliest held record
      for (RecordBatch<T> batch : waiting) {
        serveOrHold(batch);
      }
    }
    if (!config.boundedInput && isLoading()) {
      Timer poll = held.isEmpty() ? timers.loadPoll().withNoOutputTimestamp() : timers.loadPoll().withOutputTimestamp(held.minTimestamp());
      poll.offset(LOAD_POLL).setRelative();
    }
  }

  /** True if the current model is loaded in this JVM and can score now. */
  private boolean hasUsableCurrent() {
    ModelRef current = models.slots().current();
    if (current == null) {
      return false;
    }
    ModelLoad load = cache.get(current.uuid);
    return load != null && load.isReady() && !load.model().isRetired();
  }

  private void resolveCandidates(boolean wait) {
    ModelRef newestReady = null;
    for (ModelRef candidate : models.slots().candidates()) {
      ModelLoad load = loadOf(candidate, wait);
      if (load.isFailed()) {
        reportOutcome(load);
        reject(models.descriptor(candidate.uuid), load.failure());
        models.dropCandidate(candidate.uuid);
      } else if (load.isReady()) {
        reportOutcome(load);
        String mismatch = config.fieldMismatch(load.model().scorer());
        if (mismatch != null) {
          reject(models.descriptor(candidate.uuid), mismatch);
          models.dropCandidate(candidate.uuid);
        } else if (newestReady == null || !isOlder(candidate, newestReady)) {
          newestReady = candidate;
        }
      }
    }
    ModelRef current = models.slots().current();
    if (newestReady != null && (current == null || !isOlder(newestReady, current))) {
      promote(newestReady);
      current = newestReady;
    }
    for (ModelRef candidate : models.slots().candidates()) {
      ModelLoad load = cache.get(candidate.uuid);
      if (current != null && load != null && load.isReady() && isOlder(candidate, current)) {
        LOG.info("Model {} of data type '{}' loaded after the newer {} took over; it never served",
            candidate, key.getKey(), current);
        models.dropCandidate(candidate.uuid);
      }
    }
  }

  private void promote(ModelRef candidate) {
    ModelRef was = models.slots().current();
    models.promote(candidate.uuid);
    cache.serve(servingKey, candidate.uuid);
    timers.loadPoll().clear();
    if (key.getValue() == 0) {
      LOG.info("Data type '{}' is now served by {} (was {})", key.getKey(), candidate, was == null ? "nothing" : was);
    }
  }

  /** The JVM's load of a model a slot names, started from the bytes in state if there is none. */
  private ModelLoad loadOf(ModelRef ref, boolean wait) {
    ModelLoad load = cache.get(ref.uuid);
    if (load == null || (load.isReady() && load.model().isRetired())) {
      ModelDescriptor descriptor = models.descriptor(ref.uuid);
      if (descriptor == null) {
        throw new IllegalStateException("the bytes of model " + ref + " are missing from the state of " + key);
      }
      load = cache.load(descriptor);
    }
    if (wait && !load.await(LOAD_WAIT)) {
      LOG.warn("Model {} of data type '{}' is still loading after {}", ref, key.getKey(), LOAD_WAIT);
    }
    return load;
  }

  /** True while a batch must not be scored yet: no model, the current one not loaded, or an in-order swap pending. */
  private boolean mustWait() {
    return !hasUsableCurrent() || (config.swapPolicy == SwapPolicy.IN_ORDER && models.slots().hasCandidates());
  }

  private boolean isLoading() {
    ModelSlots slots = models.slots();
    List<ModelRef> refs = slots.candidates();
    if (slots.current() != null) {
      refs.add(slots.current());
    }
    for (ModelRef ref : refs) {
      ModelLoad load = cache.get(ref.uuid);
      if (load != null && load.status() == ModelLoad.Status.LOADING) {
        return true;
      }
    }
    return false;
  }

  /** Counts the end of a load once per JVM, by whichever key sees it first. */
  private void reportOutcome(ModelLoad load) {
    if (load.claimOutcome()) {
      if (load.isReady()) {
        out.metrics().of(key.getKey()).modelLoads.inc();
      } else {
        LOG.warn("Model {} failed to load: {}", load.description(), load.failure());
      }
    }
  }

  private void reject(ModelDescriptor model, String reason) {
    ModelRef current = models.slots().current();
    LOG.debug("Key {} rejected model {}: {} (still serving {})", key, ModelDescriptors.describe(model), reason,
        current == null ? "nothing" : current);
    out.rejected(RejectedModel.of(model, reason));
  }

  /** True if both creation times are known and {@code a} was created before {@code b}. */
  private static boolean isOlder(ModelDescriptor a, ModelRef b) {
    return a.getCreatedAtMillis() > 0 && b.createdAtMillis > 0 && a.getCreatedAtMillis() < b.createdAtMillis;
  }

  private static boolean isOlder(ModelRef a, ModelRef b) {
    return a.createdAtMillis > 0 && b.createdAtMillis > 0 && a.createdAtMillis < b.createdAtMillis;
  }

  // ---- records ---------------------------------------------------------------------------------

  private void bufferOrServe(RecordBatch<T> batch) {
    if (buffer.isEmpty() && batch.size() >= config.batchLimits.getMin()) {
      serveOrHold(batch);
      return;
    }
    boolean first = buffer.isEmpty();
    buffer.add(batch);
    if (buffer.count() >= config.batchLimits.getMin()) {
      timers.flush().clear();
      onFlush();
    } else if (first) {
      timers.flush().withOutputTimestamp(buffer.minTimestamp()).offset(config.batchLimits.getMaxWait()).setRelative();
      timers.inputEnded.withOutputTimestamp(buffer.minTimestamp()).set(GlobalWindow.INSTANCE.maxTimestamp());
    }
  }

  /** Scores the batch with the current model if it is loaded here, else holds it. */
  private void serveOrHold(RecordBatch<T> batch) {
    ModelRef current = models.slots().current();
    LoadedModel model = acquire(current);
    if (model == null) {
      hold(batch);
      return;
    }
    try {
      server.serve(batch, model, current, DECISION_CURRENT, out);
    } finally {
      model.release();
    }
  }

  private LoadedModel acquire(ModelRef ref) {
    if (ref == null || (config.swapPolicy == SwapPolicy.IN_ORDER && models.slots().hasCandidates())) {
      return null;
    }
    ModelLoad load = cache.get(ref.uuid);
    if (load == null || !load.isReady()) {
      return null;
    }
    LoadedModel model = load.model();
    return model.tryAcquire() ? model : null;
  }

  /** Keeps a batch in state until a model can score it, within the no-model policy's bounds. */
  private void hold(RecordBatch<T> batch) {
    ModelSlots slots = models.slots();
    boolean noModel = slots.current() == null && !slots.hasCandidates();
    NoModelPolicy policy = config.noModelPolicy;
    if (!config.boundedInput && !policy.holds() && noModel) {
      out.unserved(batch, "no model has arrived for data type '" + key.getKey() + "'");
      return;
    }
    if (!config.boundedInput && policy.holds()) {
      int room = policy.getMaxHeldRecords() - held.count();
      if (room < batch.size()) {
        if (room > 0) {
          held.add(batch.slice(0, room));
        }
        out.unserved(batch.slice(Math.max(0, room), batch.size()),
            (noModel ? "no model has arrived for data type '" + key.getKey() + "'"
                : "the model of data type '" + key.getKey() + "' is still loading")
                + " and " + policy.getMaxHeldRecords() + " records are already held (the limit)");
        return;
      }
    }
    boolean first = held.isEmpty();
    held.add(batch);
    if (first) {
      if (!config.boundedInput && policy.holds()) {
        timers.holdExpired().withOutputTimestamp(held.minTimestamp()).offset(policy.getMaxHoldTime()).setRelative();
      }
      timers.inputEnded.withOutputTimestamp(held.minTimestamp()).set(GlobalWindow.INSTANCE.maxTimestamp());
    }
  }

  private void unserveHeld(String reason) {
    for (RecordBatch<T> batch : held.drain()) {
      out.unserved(batch, reason);
    }
  }
}

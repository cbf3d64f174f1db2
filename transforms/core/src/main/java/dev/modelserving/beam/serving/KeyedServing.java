package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.serving.cache.LoadedModel;
import dev.modelserving.beam.serving.cache.ModelCache;
import dev.modelserving.beam.serving.cache.ModelLoad;
import dev.modelserving.beam.serving.policy.Plan;
import dev.modelserving.beam.status.ModelSetChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerMap;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one serving key does with one event or timer, over its state (see {@link KeyedServingFn}):
 * apply model messages to the key's model set (stage arriving models and load them off the serving
 * path, promote a loaded model atomically, remove, roll back, route), score batches under the data
 * type's policy, hold batches its models cannot score yet, and buffer batches smaller than the
 * minimum batch size.
 */
final class KeyedServing<T> {
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
  private final PolicyServer<T> server;
  private final KV<String, Integer> key;
  private final String servingKey;
  private final KeyedModelState models;
  private final BatchBag<T> held;
  private final BatchBag<T> buffer;
  private final Timers timers;
  private final ServingOutputs<T> out;

  KeyedServing(ServingConfig<T> config, ModelCache cache, PolicyServer<T> server, KV<String, Integer> key,
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

  void onModel(ModelDescriptor message) {
    if (models.slots().hasCandidates() && (config.swapPolicy == SwapPolicy.IN_ORDER || config.boundedInput)) {
      // In order, the models before this message settle first (and score the records held for
      // them), so that the message takes effect exactly here.
      advance(true);
    }
    switch (message.getAction()) {
      case REMOVE:
        onRemove(message);
        break;
      case ROLLBACK:
        onRollback(message);
        break;
      case ROUTE:
        models.setRouting(message.getRouting());
        log("Data type '{}' now routes by {}", key.getKey(), ModelDescriptors.describe(message.getRouting()));
        reportChange(ModelSetChange.Kind.ROUTED, null);
        break;
      default:
        onAdd(message);
    }
  }

  private void onAdd(ModelDescriptor model) {
    ModelSlots slots = models.slots();
    if (slots.knows(model.getUuid())) {
      return; // a replay of a model this key has
    }
    String refusal = SetRules.older(model, slots.current(model.getName()));
    if (refusal == null && isNewName(model.getName())) {
      refusal = SetRules.full(key.getKey(), slots, namesIncludingPending(), config.maxModelsPerDataType);
    }
    if (refusal != null) {
      reject(model, refusal);
      return;
    }
    if (slots.candidates().size() >= MAX_CANDIDATES) {
      ModelRef oldest = slots.candidates().get(0);
      reject(models.descriptor(oldest.uuid), "more than " + MAX_CANDIDATES + " newer models arrived while it"
          + " was loading; it never served");
      models.dropCandidate(oldest.uuid);
    }
    models.addCandidate(model);
    cache.load(model, config.guard);
    advance(config.boundedInput);
  }

  private void onRemove(ModelDescriptor message) {
    String name = message.getName();
    ModelSlots slots = models.slots();
    if (slots.current(name) == null && !isPending(name)) {
      log("Data type '{}' has no model '{}' to remove; nothing changes", key.getKey(), name);
      return;
    }
    ModelRef removed = slots.current(name);
    models.remove(name);
    cache.serve(currentKey(name), null);
    cache.serve(previousKey(name), null);
    log("Removed model '{}' from data type '{}'; the set is now {}", name, key.getKey(), models.slots().names());
    if (removed != null) {
      reportChange(ModelSetChange.Kind.REMOVED, removed);
    }
  }

  private void onRollback(ModelDescriptor message) {
    String name = message.getName();
    String refusal = SetRules.rollback(models.slots(), message);
    if (refusal != null) {
      if (!refusal.equals(SetRules.UNCHANGED)) {
        reject(message, refusal);
      }
      return;
    }
    ModelRef current = models.slots().current(name);
    ModelRef previous = models.slots().previous(name);
    models.rollback(name);
    cache.serve(currentKey(name), previous.uuid);
    cache.serve(previousKey(name), current.uuid);
    loadOf(previous, config.boundedInput);
    log("Rolled back model '{}' of data type '{}' to {} (was {})", name, key.getKey(), previous, current);
    countSwap(previous);
    reportChange(ModelSetChange.Kind.ROLLED_BACK, previous);
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
          ? "no model serves data type '" + key.getKey() + "': none arrived before the input ended"
          : "the input ended while model " + waitingFor() + " could not be loaded");
    }
  }

  /** The model held records wait for: the newest candidate, else the newest current model; null if none. */
  private ModelRef waitingFor() {
    List<ModelRef> candidates = models.slots().candidates();
    return candidates.isEmpty() ? models.slots().newest() : candidates.get(candidates.size() - 1);
  }

  // ---- models ----------------------------------------------------------------------------------

  /**
   * Resolves the candidates whose loads have ended (promotes those that loaded, oldest first,
   * rejects those that failed, drops those a newer current version makes obsolete), makes sure the
   * models the policy calls are loaded in this JVM, scores held records once nothing stops them,
   * and polls while a load runs.
   *
   * <p>With {@code wait}, waits for the loads first. A key with no usable model (its first model,
   * or its models after a restore) waits too: nothing serves meanwhile, so waiting pauses nothing,
   * and the records it holds do not depend on a timer to be scored.
   */
  private void advance(boolean wait) {
    boolean waitHere = wait || !ready();
    if (models.slots().hasCandidates()) {
      resolveCandidates(waitHere);
    }
    boolean waitLoads = wait || !ready();
    for (ModelRef ref : calledModels()) {
      loadOf(ref, waitLoads); // after a restore or an eviction: load it again
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

  /** The plan of the key's policy over its current set, or null if the set is empty. */
  private Plan plan() {
    ModelSlots slots = models.slots();
    return server.plan(key.getKey(), slots.names(), models.routing());
  }

  /** The current models the policy calls for the next batch. */
  private List<ModelRef> calledModels() {
    Plan plan = plan();
    if (plan == null) {
      return List.of();
    }
    List<ModelRef> refs = new ArrayList<>();
    for (String name : plan.calledModels()) {
      ModelRef ref = models.slots().current(name);
      if (ref != null) {
        refs.add(ref);
      }
    }
    return refs;
  }

  /** True if every model the policy calls is loaded in this JVM and can score now. */
  private boolean ready() {
    List<ModelRef> called = calledModels();
    if (called.isEmpty()) {
      return false;
    }
    for (ModelRef ref : called) {
      ModelLoad load = cache.get(ref.uuid);
      if (load == null || !load.isReady() || load.model().isRetired()) {
        return false;
      }
    }
    return true;
  }

  private void resolveCandidates(boolean wait) {
    List<ModelRef> ready = new ArrayList<>();
    for (ModelRef candidate : models.slots().candidates()) {
      ModelLoad load = loadOf(candidate, wait);
      if (load.isFailed()) {
        reportOutcome(load, candidate);
        reject(models.descriptor(candidate.uuid), load.failure());
        models.dropCandidate(candidate.uuid);
      } else if (load.isReady()) {
        reportOutcome(load, candidate);
        String mismatch = config.fieldMismatch(load.model().scorer());
        if (mismatch != null) {
          reject(models.descriptor(candidate.uuid), mismatch);
          models.dropCandidate(candidate.uuid);
        } else {
          ready.add(candidate);
        }
      }
    }
    // Oldest first (arrival order on a tie): versions of one name that loaded together each take
    // over in turn, so the one before the newest is kept as its previous version.
    ready.sort(java.util.Comparator.comparingLong(r -> r.createdAtMillis));
    for (ModelRef candidate : ready) {
      ModelRef current = models.slots().current(candidate.name);
      if (current == null || !isOlder(candidate, current)) {
        promote(candidate);
      }
    }
    for (ModelRef candidate : models.slots().candidates()) {
      ModelLoad load = cache.get(candidate.uuid);
      ModelRef current = models.slots().current(candidate.name);
      if (current != null && load != null && load.isReady() && isOlder(candidate, current)) {
        LOG.info("Model {} of data type '{}' loaded after the newer {} took over; it never served",
            candidate, key.getKey(), current);
        models.dropCandidate(candidate.uuid);
      }
    }
  }

  private void promote(ModelRef candidate) {
    ModelRef was = models.slots().current(candidate.name);
    models.promote(candidate.uuid);
    cache.serve(currentKey(candidate.name), candidate.uuid);
    // the version before stays loaded, so that a rollback is instant
    cache.serve(previousKey(candidate.name), was == null ? null : was.uuid);
    timers.loadPoll().clear();
    log("Data type '{}' model '{}' is now {} (was {}); the set is {}", key.getKey(), candidate.name, candidate,
        was == null ? "nothing" : was, models.slots().names());
    countSwap(candidate);
    reportChange(was == null ? ModelSetChange.Kind.ADDED : ModelSetChange.Kind.REPLACED, candidate);
  }

  /** Counts that a model became current, once per data type (on its first shard), not once per shard. */
  private void countSwap(ModelRef ref) {
    if (key.getValue() == 0) {
      out.metrics().of(key.getKey()).model(ref).swaps.inc();
    }
  }

  /**
   * Reports the set after a change to the status stream, from the data type's first shard only:
   * every shard applies every model message alike, and one reporter keeps the changes in order (a
   * late duplicate from another shard could not be told from a new change after a removal or a
   * rollback). Batch stats come from every shard.
   */
  private void reportChange(ModelSetChange.Kind kind, ModelRef subject) {
    if (out.statusOn() && key.getValue() == 0) {
      ModelSlots slots = models.slots();
      out.setChange(StatusEvents.change(config, cache, key.getKey(), kind, subject, slots.currentModels(),
          models.routing(), -1));
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
      load = cache.load(descriptor, config.guard);
      if (ref.equals(models.slots().current(ref.name))) {
        cache.serve(currentKey(ref.name), ref.uuid);
      }
    }
    if (wait && !load.await(LOAD_WAIT)) {
      LOG.warn("Model {} of data type '{}' is still loading after {}", ref, key.getKey(), LOAD_WAIT);
    }
    return load;
  }

  /** True while a batch must not be scored yet: no model, a called one not loaded, or an in-order swap pending. */
  private boolean mustWait() {
    return !ready() || (config.swapPolicy == SwapPolicy.IN_ORDER && models.slots().hasCandidates());
  }

  private boolean isLoading() {
    List<ModelRef> refs = models.slots().candidates();
    refs.addAll(calledModels());
    for (ModelRef ref : refs) {
      ModelLoad load = cache.get(ref.uuid);
      if (load != null && load.status() == ModelLoad.Status.LOADING) {
        return true;
      }
    }
    return false;
  }

  /** True if the set has no model {@code name}, current or arriving. */
  private boolean isNewName(String name) {
    return models.slots().current(name) == null && !isPending(name);
  }

  private boolean isPending(String name) {
    for (ModelRef c : models.slots().candidates()) {
      if (c.name.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The names of the set, counting candidates of names it does not have yet. */
  private int namesIncludingPending() {
    Set<String> names = new HashSet<>(models.slots().names());
    for (ModelRef c : models.slots().candidates()) {
      names.add(c.name);
    }
    return names.size();
  }

  private String currentKey(String name) {
    return servingKey + "/" + name;
  }

  private String previousKey(String name) {
    return servingKey + "/" + name + "#previous";
  }

  /** Logs once per data type (from its first shard), not once per shard. */
  private void log(String format, Object... args) {
    if (key.getValue() == 0) {
      LOG.info(format, args);
    }
  }

  /** Counts the end of a load once per JVM, by whichever key sees it first. */
  private void reportOutcome(ModelLoad load, ModelRef ref) {
    if (load.claimOutcome()) {
      if (load.isReady()) {
        ServingMetrics.DataTypeCounters counters = out.metrics().of(key.getKey());
        counters.modelLoads.inc();
        counters.model(ref).loads.inc();
      } else {
        LOG.warn("Model {} failed to load: {}", load.description(), load.failure());
      }
    }
  }

  private void reject(ModelDescriptor model, String reason) {
    LOG.debug("Key {} rejected {}: {} (still serving {})", key, ModelDescriptors.describe(model), reason,
        models.slots().names());
    out.rejected(RejectedModel.of(model, reason));
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

  /** Scores the batch under the key's policy if every model it calls is loaded here, else holds it. */
  private void serveOrHold(RecordBatch<T> batch) {
    Plan plan = config.swapPolicy == SwapPolicy.IN_ORDER && models.slots().hasCandidates() ? null : plan();
    ServedSet set = plan == null ? null : acquire(plan);
    if (set == null) {
      hold(batch);
      return;
    }
    try {
      server.serve(batch, set, plan, out);
    } finally {
      set.release();
    }
  }

  /** The set with every model the plan calls acquired, or null (nothing acquired) if one is not ready. */
  private ServedSet acquire(Plan plan) {
    ServedSet set = new ServedSet(models.slots().names(), models.routing());
    for (String name : plan.calledModels()) {
      ModelRef ref = models.slots().current(name);
      ModelLoad load = ref == null ? null : cache.get(ref.uuid);
      LoadedModel model = load == null || !load.isReady() ? null : load.model();
      if (model == null || !model.tryAcquire()) {
        set.release();
        return null;
      }
      set.put(new ServedModel(ref, model));
    }
    return set;
  }

  /** Keeps a batch in state until a model can score it, within the no-model policy's bounds. */
  private void hold(RecordBatch<T> batch) {
    ModelSlots slots = models.slots();
    boolean noModel = slots.currentModels().isEmpty() && !slots.hasCandidates();
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

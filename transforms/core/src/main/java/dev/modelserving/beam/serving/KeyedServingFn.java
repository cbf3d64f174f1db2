package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.cache.ModelCache;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerMap;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;

/**
 * Keyed serving: the state of one key (data type, shard) and its timers, wired to {@link
 * KeyedServing}, which decides what each event and timer does.
 *
 * <ul>
 *   <li>{@code slots}, {@code models} and {@code routing}: the key's model set (see {@link KeyedModelState});
 *   <li>{@code held}: batches waiting for a model that can score them (the wait {@code holdExpired}
 *       and the timer {@code inputEnded} end it, the wait {@code loadPoll} notices a finished load);
 *   <li>{@code buffer}: batches smaller than the minimum batch size (the wait {@code flush} ends it).
 * </ul>
 *
 * <p>Loaded models live in the JVM-wide {@link ModelCache}, not in this DoFn, so every instance
 * and thread of the JVM shares one copy of each model. A runner checkpoints the state; after a
 * restore the current model is loaded again from the bytes in state, off the serving path.
 */
final class KeyedServingFn<T> extends DoFn<KV<KV<String, Integer>, ServingEvent<T>>, ScoredRecord<T>> {
  private final ServingConfig<T> config;
  private final ServingTags<T> tags;

  @StateId("slots")
  private final StateSpec<ValueState<ModelSlots>> slotsSpec = StateSpecs.value(ModelSlotsCoder.of());

  @StateId("models")
  private final StateSpec<MapState<String, ModelDescriptor>> modelsSpec =
      StateSpecs.map(StringUtf8Coder.of(), ModelDescriptorCoder.of());

  @StateId("routing")
  private final StateSpec<ValueState<Routing>> routingSpec = StateSpecs.value(RoutingCoder.of());

  @StateId("held")
  private final StateSpec<BagState<RecordBatch<T>>> heldSpec;

  @StateId("heldInfo")
  private final StateSpec<ValueState<BatchBag.Info>> heldInfoSpec = StateSpecs.value(BatchBag.InfoCoder.of());

  @StateId("buffer")
  private final StateSpec<BagState<RecordBatch<T>>> bufferSpec;

  @StateId("bufferInfo")
  private final StateSpec<ValueState<BatchBag.Info>> bufferInfoSpec = StateSpecs.value(BatchBag.InfoCoder.of());

  /** The waits measured in processing time: {@link KeyedServing#HOLD_EXPIRED}, {@link KeyedServing#LOAD_POLL_TIMER}, {@link KeyedServing#FLUSH}. */
  @TimerFamily("waits")
  private final TimerSpec waitsSpec = TimerSpecs.timerMap(TimeDomain.PROCESSING_TIME);

  @TimerId("inputEnded")
  private final TimerSpec inputEndedSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private transient ModelCache cache;
  private transient ServingMetrics metrics;
  private transient PolicyServer<T> server;

  KeyedServingFn(ServingConfig<T> config, Coder<T> recordCoder, ServingTags<T> tags) {
    this.config = config;
    this.tags = tags;
    this.heldSpec = StateSpecs.bag(RecordBatchCoder.of(recordCoder));
    this.bufferSpec = StateSpecs.bag(RecordBatchCoder.of(recordCoder));
  }

  @Setup
  public void setup() {
    cache = ModelCache.shared().join(config.maxLoadedModels);
    metrics = new ServingMetrics();
    server = new PolicyServer<>(config, new BatchServer<>(config));
  }

  @Teardown
  public void teardown() {
    if (cache != null) {
      cache.leave();
    }
  }

  @ProcessElement
  public void process(
      @Element KV<KV<String, Integer>, ServingEvent<T>> element,
      @StateId("slots") ValueState<ModelSlots> slots,
      @StateId("models") MapState<String, ModelDescriptor> models,
      @StateId("routing") ValueState<Routing> routing,
      @StateId("held") BagState<RecordBatch<T>> held,
      @StateId("heldInfo") ValueState<BatchBag.Info> heldInfo,
      @StateId("buffer") BagState<RecordBatch<T>> buffer,
      @StateId("bufferInfo") ValueState<BatchBag.Info> bufferInfo,
      @TimerFamily("waits") TimerMap waits,
      @TimerId("inputEnded") Timer inputEnded,
      MultiOutputReceiver out) {
    KeyedServing<T> serving = serving(element.getKey(), slots, models, routing, held, heldInfo, buffer, bufferInfo,
        waits, inputEnded, out);
    ServingEvent<T> event = element.getValue();
    if (event.isModel()) {
      serving.onModel(event.model());
    } else {
      serving.onBatch(event.batch());
    }
  }

  @OnTimerFamily("waits")
  public void onWaitOver(
      @TimerId String wait,
      @Key KV<String, Integer> key,
      @StateId("slots") ValueState<ModelSlots> slots,
      @StateId("models") MapState<String, ModelDescriptor> models,
      @StateId("routing") ValueState<Routing> routing,
      @StateId("held") BagState<RecordBatch<T>> held,
      @StateId("heldInfo") ValueState<BatchBag.Info> heldInfo,
      @StateId("buffer") BagState<RecordBatch<T>> buffer,
      @StateId("bufferInfo") ValueState<BatchBag.Info> bufferInfo,
      @TimerFamily("waits") TimerMap waits,
      @TimerId("inputEnded") Timer inputEnded,
      MultiOutputReceiver out) {
    serving(key, slots, models, routing, held, heldInfo, buffer, bufferInfo, waits, inputEnded, out).onWaitOver(wait);
  }

  @OnTimer("inputEnded")
  public void onInputEnded(
      @Key KV<String, Integer> key,
      @StateId("slots") ValueState<ModelSlots> slots,
      @StateId("models") MapState<String, ModelDescriptor> models,
      @StateId("routing") ValueState<Routing> routing,
      @StateId("held") BagState<RecordBatch<T>> held,
      @StateId("heldInfo") ValueState<BatchBag.Info> heldInfo,
      @StateId("buffer") BagState<RecordBatch<T>> buffer,
      @StateId("bufferInfo") ValueState<BatchBag.Info> bufferInfo,
      @TimerFamily("waits") TimerMap waits,
      @TimerId("inputEnded") Timer inputEnded,
      MultiOutputReceiver out) {
    serving(key, slots, models, routing, held, heldInfo, buffer, bufferInfo, waits, inputEnded, out).onInputEnded();
  }

  /** See {@link ServingOutputs}: records keep their own timestamps. */
  @Override
  @SuppressWarnings("deprecation")
  public Duration getAllowedTimestampSkew() {
    return Duration.millis(Long.MAX_VALUE);
  }

  private KeyedServing<T> serving(
      KV<String, Integer> key,
      ValueState<ModelSlots> slots,
      MapState<String, ModelDescriptor> models,
      ValueState<Routing> routing,
      BagState<RecordBatch<T>> held,
      ValueState<BatchBag.Info> heldInfo,
      BagState<RecordBatch<T>> buffer,
      ValueState<BatchBag.Info> bufferInfo,
      TimerMap waits,
      Timer inputEnded,
      MultiOutputReceiver out) {
    return new KeyedServing<>(config, cache, server, key, new KeyedModelState(slots, models, routing),
        new BatchBag<>(held, heldInfo), new BatchBag<>(buffer, bufferInfo),
        new KeyedServing.Timers(waits, inputEnded), new ServingOutputs<>(config, tags, out, metrics));
  }
}

package dev.modelserving.beam.training;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer of each data type (the key): buffers examples into a mini-batch, which closes at the
 * batch size or when the event-time timer set by its first example fires, then lets the data type's
 * {@link Trainer} step on it. The weights live in Beam state, so a runner's checkpoint holds them.
 */
final class MiniBatchTrainingFn extends DoFn<KV<String, Example>, ModelDescriptor> {
  private static final Logger LOG = LoggerFactory.getLogger(MiniBatchTrainingFn.class);

  private final Map<String, TrainingSpec> specs;
  private final MiniBatchParams params;
  private transient Map<String, Trainer> trainers;

  @StateId("batch")
  private final StateSpec<BagState<Example>> batchSpec = StateSpecs.bag(ExampleCoder.of());

  @StateId("batchSize")
  private final StateSpec<ValueState<Integer>> batchSizeSpec = StateSpecs.value(VarIntCoder.of());

  @StateId("trainer")
  private final StateSpec<ValueState<TrainerState>> trainerSpec = StateSpecs.value(TrainerStateCoder.of());

  @TimerId("batchEnd")
  private final TimerSpec batchEndSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  MiniBatchTrainingFn(Map<String, TrainingSpec> specs, MiniBatchParams params) {
    this.specs = specs;
    this.params = params;
  }

  @Setup
  public void setup() {
    trainers = new java.util.HashMap<>();
    specs.forEach((dataType, spec) -> trainers.put(dataType, new Trainer(spec, params)));
  }

  @ProcessElement
  public void process(@Element KV<String, Example> element, @Timestamp Instant timestamp,
      @StateId("batch") BagState<Example> batch, @StateId("batchSize") ValueState<Integer> batchSize,
      @StateId("trainer") ValueState<TrainerState> trainer, @TimerId("batchEnd") Timer batchEnd,
      OutputReceiver<ModelDescriptor> out) {
    batch.add(element.getValue());
    Integer before = batchSize.read();
    int size = (before == null ? 0 : before) + 1;
    if (size == 1) {
      batchEnd.set(timestamp.plus(params.maxSpan()));
    }
    if (size < params.size()) {
      batchSize.write(size);
      return;
    }
    batchEnd.clear();
    step(element.getKey(), batch, batchSize, trainer, out);
  }

  @OnTimer("batchEnd")
  public void onBatchEnd(@Key String dataType, @StateId("batch") BagState<Example> batch,
      @StateId("batchSize") ValueState<Integer> batchSize, @StateId("trainer") ValueState<TrainerState> trainer,
      OutputReceiver<ModelDescriptor> out) {
    step(dataType, batch, batchSize, trainer, out);
  }

  private void step(String dataType, BagState<Example> batch, ValueState<Integer> batchSize,
      ValueState<TrainerState> trainer, OutputReceiver<ModelDescriptor> out) {
    List<Example> examples = new ArrayList<>();
    batch.read().forEach(examples::add);
    batch.clear();
    batchSize.clear();
    if (examples.isEmpty()) {
      return;
    }
    TrainerState state = trainer.read();
    if (state == null) {
      state = TrainerState.initial(specs.get(dataType));
    }
    Optional<ModelDescriptor> model = trainers.get(dataType).step(state, examples);
    trainer.write(state);
    Metrics.counter(ToExamplesFn.NAMESPACE, dataType + "/steps").inc();
    if (model.isPresent()) {
      Metrics.counter(ToExamplesFn.NAMESPACE, dataType + "/models").inc();
      LOG.info("Trained {}: {} records since version {}, holdout {}", ModelDescriptors.describe(model.get()),
          model.get().getLineage().getTrainedRecords(), model.get().getLineage().getParentVersion(),
          model.get().getLineage().getHoldoutMetricsMap());
      out.output(model.get());
    }
  }
}

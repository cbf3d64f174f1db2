package dev.modelserving.beam.benchmarks.flink;

import dev.modelserving.beam.benchmarks.workload.WineRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Model serving the way the Lublinsky and Wampler tutorial does it in Flink: records and models are
 * both keyed by (data type, shard) and meet in a keyed co-process function that holds the current
 * model of its key in keyed state.
 *
 * <ul>
 *   <li>The model message (its bytes) is keyed state, so a checkpoint would carry it.
 *   <li>The evaluator is built once per model and task, and reused by every key of the task that
 *       serves that model: a transient cache by model id, like the tutorial's transient model.
 *   <li>Records that arrive before their key has a model wait in keyed list state and are scored
 *       when it arrives, so none is dropped.
 *   <li>A record the model fails on is counted (accumulator {@value #FAILED}), not emitted.
 * </ul>
 *
 * <p>The output object is reused from record to record: the sink is chained and keeps nothing.
 */
final class ModelServingFunction
    extends KeyedCoProcessFunction<Tuple2<String, Integer>, WineRecord, ModelMessage, ScoredWine> {
  private static final long serialVersionUID = 1L;
  /** Accumulator: records the model could not score. */
  static final String FAILED = "failed";
  /** Accumulator: records that waited for their key's first model. */
  static final String HELD = "held";
  /** Accumulator: models loaded (once per task and model). */
  static final String LOADS = "modelLoads";

  private transient ValueState<ModelMessage> model;
  private transient ListState<WineRecord> waiting;
  private transient Map<String, NativeModel> loaded;
  private transient ScoredWine out;
  private transient LongCounter failed;
  private transient LongCounter held;
  private transient LongCounter loads;

  @Override
  public void open(OpenContext context) {
    model = getRuntimeContext().getState(
        new ValueStateDescriptor<>("model", TypeInformation.of(ModelMessage.class)));
    waiting = getRuntimeContext().getListState(
        new ListStateDescriptor<>("waiting", TypeInformation.of(WineRecord.class)));
    loaded = new HashMap<>();
    out = new ScoredWine();
    failed = getRuntimeContext().getLongCounter(FAILED);
    held = getRuntimeContext().getLongCounter(HELD);
    loads = getRuntimeContext().getLongCounter(LOADS);
  }

  @Override
  public void processElement1(WineRecord record, Context ctx, Collector<ScoredWine> collector) throws Exception {
    ModelMessage current = model.value();
    if (current == null) {
      waiting.add(record.copy());
      held.add(1L);
      return;
    }
    score(modelFor(current), current, record, collector);
  }

  @Override
  public void processElement2(ModelMessage message, Context ctx, Collector<ScoredWine> collector) throws Exception {
    NativeModel scorer = modelFor(message);
    model.update(message);
    Iterable<WineRecord> held = waiting.get();
    if (held != null) {
      for (WineRecord record : held) {
        score(scorer, message, record, collector);
      }
      waiting.clear();
    }
  }

  private void score(NativeModel scorer, ModelMessage message, WineRecord record, Collector<ScoredWine> collector) {
    try {
      scorer.score(record, out);
    } catch (Exception e) {
      failed.add(1L);
      return;
    }
    out.seq = record.seq;
    out.model = message.modelId();
    collector.collect(out);
  }

  /** The task's evaluator of a model, built on first use. */
  private NativeModel modelFor(ModelMessage message) throws Exception {
    String id = message.modelId();
    NativeModel m = loaded.get(id);
    if (m == null) {
      m = NativeModels.load(message);
      loaded.put(id, m);
      loads.add(1L);
    }
    return m;
  }

  @Override
  public void close() throws Exception {
    if (loaded != null) {
      for (NativeModel m : loaded.values()) {
        m.close();
      }
      loaded.clear();
    }
    super.close();
  }
}

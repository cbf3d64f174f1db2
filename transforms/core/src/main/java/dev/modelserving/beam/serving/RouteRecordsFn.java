package dev.modelserving.beam.serving;

import dev.modelserving.beam.record.DeadLetter;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/** Keys each record by (data type, shard); records of no or an unknown data type are dead letters. */
final class RouteRecordsFn<T> extends DoFn<T, KV<KV<String, Integer>, ServingEvent<T>>> {
  private final ServingConfig<T> config;
  private final TupleTag<KV<KV<String, Integer>, ServingEvent<T>>> routed;
  private final TupleTag<DeadLetter> deadLetters;
  private transient ServingMetrics metrics;

  RouteRecordsFn(ServingConfig<T> config, TupleTag<KV<KV<String, Integer>, ServingEvent<T>>> routed, TupleTag<DeadLetter> deadLetters) {
    this.config = config;
    this.routed = routed;
    this.deadLetters = deadLetters;
  }

  @Setup
  public void setup() {
    metrics = new ServingMetrics();
  }

  @ProcessElement
  public void process(@Element T record, MultiOutputReceiver out) {
    String dataType;
    try {
      dataType = config.dataTypeFn.apply(record);
    } catch (RuntimeException e) {
      reject(record, null, "cannot determine the record's data type: " + e, out);
      return;
    }
    if (dataType == null || dataType.isEmpty()) {
      reject(record, null, "the record has no data type", out);
      return;
    }
    if (config.dataTypes != null && !config.dataTypes.contains(dataType)) {
      reject(record, dataType,
          "unknown data type '" + dataType + "'; served data types are " + config.dataTypes, out);
      return;
    }
    metrics.inc(dataType, ServingMetrics.RECEIVED);
    int shard = config.shards == 1 ? 0 : ThreadLocalRandom.current().nextInt(config.shards);
    out.get(routed)
        .output(KV.of(KV.of(dataType, shard), ServingEvent.record(record)));
  }

  private void reject(T record, String dataType, String reason, MultiOutputReceiver out) {
    String counted = config.dataTypes != null && !config.dataTypes.contains(dataType) ? null : dataType;
    metrics.inc(counted, ServingMetrics.RECEIVED);
    metrics.inc(counted, ServingMetrics.DEAD_LETTERED);
    out.get(deadLetters)
        .output(DeadLetter.now(config.payloadOf(record), dataType, DeadLetter.Stage.ROUTE, reason));
  }
}

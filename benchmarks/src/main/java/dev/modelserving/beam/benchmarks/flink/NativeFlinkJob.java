package dev.modelserving.beam.benchmarks.flink;

import dev.modelserving.beam.benchmarks.workload.WineRecord;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The native Flink DataStream job that scores the wine workload, on a local mini-cluster: a parallel
 * generator source of wine records and a one-shot source of the model (one copy per shard key), both
 * keyed by (data type, shard) into {@link ModelServingFunction}, into a counting sink that drops
 * the scored records.
 *
 * <p>Tuned as a Flink user would tune it: POJO records with a {@code double[]} (generic types, and
 * so Kryo, are disabled), object reuse, one shard key per parallel instance ({@link ShardKeys}), no
 * per-record logging, streaming mode without checkpoints.
 */
public final class NativeFlinkJob {
  /** The job's max parallelism: the number of key groups. */
  public static final int MAX_PARALLELISM = 128;
  static final TypeInformation<Tuple2<String, Integer>> KEY_TYPE = Types.TUPLE(Types.STRING, Types.INT);

  private NativeFlinkJob() {}

  /** What one run did. */
  public record Outcome(long records, long scored, long failed, long held, long modelLoads, double seconds) {}

  /**
   * Scores {@code records} records of the workload ({@code seed}, {@code size}) with the model and
   * waits for the job to finish.
   *
   * @param model the model to serve (its data type and shard are set per copy)
   */
  public static Outcome run(ModelMessage model, long records, int parallelism, long seed, int size)
      throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
    env.setMaxParallelism(MAX_PARALLELISM);
    env.getConfig().enableObjectReuse();
    env.getConfig().disableGenericTypes();

    int[] shards = ShardKeys.spread(WineSchema.DATA_TYPE, parallelism, MAX_PARALLELISM);
    DataStream<WineRecord> wines = env.fromSource(
        new DataGeneratorSource<>(
            new WineRecordGenerator(seed, size, shards), records, RateLimiterStrategy.noOp(),
            TypeInformation.of(WineRecord.class)),
        WatermarkStrategy.noWatermarks(),
        "wines");
    List<ModelMessage> copies = new ArrayList<>();
    for (int shard : shards) {
      copies.add(new ModelMessage(WineSchema.DATA_TYPE, shard, model.name, model.version, model.format, model.bytes));
    }
    DataStream<ModelMessage> models =
        env.fromData(copies, TypeInformation.of(ModelMessage.class)).name("models");

    wines.keyBy(new RecordKey(), KEY_TYPE)
        .connect(models.keyBy(new ModelKey(), KEY_TYPE))
        .process(new ModelServingFunction())
        .name("serve")
        .addSink(new CountingDiscardSink())
        .name("count");

    long start = System.nanoTime();
    JobExecutionResult result = env.execute("native-flink " + model.modelId() + " p=" + parallelism);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Outcome(
        records,
        counter(result, CountingDiscardSink.SCORED),
        counter(result, ModelServingFunction.FAILED),
        counter(result, ModelServingFunction.HELD),
        counter(result, ModelServingFunction.LOADS),
        seconds);
  }

  private static long counter(JobExecutionResult result, String name) {
    Object value = result.getAccumulatorResult(name);
    return value == null ? 0 : ((Number) value).longValue();
  }

  /** The key of a record: (data type, shard). */
  static final class RecordKey implements KeySelector<WineRecord, Tuple2<String, Integer>> {
    private static final long serialVersionUID = 1L;

    @Override
    public Tuple2<String, Integer> getKey(WineRecord r) {
      return Tuple2.of(r.dataType, r.shard);
    }
  }

  /** The key of a model copy: (data type, shard). */
  static final class ModelKey implements KeySelector<ModelMessage, Tuple2<String, Integer>> {
    private static final long serialVersionUID = 1L;

    @Override
    public Tuple2<String, Integer> getKey(ModelMessage m) {
      return Tuple2.of(m.dataType, m.shard);
    }
  }
}

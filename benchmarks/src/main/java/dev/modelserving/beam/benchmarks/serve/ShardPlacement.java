package dev.modelserving.beam.benchmarks.serve;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.flink.adapter.FlinkKey;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.values.KV;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Which parallel instance each keyed-mode serving key (data type, shard) lands on under the Flink
 * runner: the runner wraps the key's encoded bytes in a {@link FlinkKey} (whose hash is a murmur3 of
 * the bytes), Flink hashes that into one of the job's key groups and gives each instance a range of
 * them. Two shards on one instance leave a core idle, so
 * the report says where they went.
 */
public final class ShardPlacement {
  /** Flink's default number of key groups for a job of small parallelism. */
  public static final int DEFAULT_MAX_PARALLELISM = 128;

  private ShardPlacement() {}

  /** The instance (0-based) that serves shard {@code s} of {@code dataType}, for s = 0..shards-1. */
  public static List<Integer> instances(String dataType, int shards, int parallelism) {
    KvCoder<String, Integer> coder = KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
    List<Integer> out = new ArrayList<>(shards);
    for (int s = 0; s < shards; s++) {
      FlinkKey key = FlinkKey.of(KV.of(dataType, s), coder);
      out.add(KeyGroupRangeAssignment.assignKeyToParallelOperator(key, DEFAULT_MAX_PARALLELISM, parallelism));
    }
    return out;
  }

  /** Whether the shards use every instance. */
  public static boolean spread(String dataType, int shards, int parallelism) {
    return instances(dataType, shards, parallelism).stream().distinct().count() == Math.min(shards, parallelism);
  }
}

package dev.modelserving.beam.benchmarks.flink;

import java.util.Arrays;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Shard numbers of a data type that spread its keys over every parallel instance of the keyed
 * operator: shard {@code i} of the result is the smallest shard number whose key ({@code dataType},
 * shard) Flink assigns to operator instance {@code i}. Plain shard numbers 0..p-1 may all land on
 * the same instance (keys go to instances by a hash), leaving cores idle.
 */
public final class ShardKeys {
  private ShardKeys() {}

  /**
   * One shard number per operator instance, in instance order.
   *
   * @param maxParallelism the job's max parallelism (number of key groups)
   */
  public static int[] spread(String dataType, int parallelism, int maxParallelism) {
    if (parallelism < 1 || maxParallelism < parallelism) {
      throw new IllegalArgumentException(
          "need 1 <= parallelism <= maxParallelism, were " + parallelism + " and " + maxParallelism);
    }
    int[] shards = new int[parallelism];
    Arrays.fill(shards, -1);
    int found = 0;
    for (int shard = 0; found < parallelism; shard++) {
      if (shard > 1_000_000) {
        throw new IllegalStateException("no keys found for every operator instance of " + dataType);
      }
      int instance = instanceOf(dataType, shard, parallelism, maxParallelism);
      if (shards[instance] < 0) {
        shards[instance] = shard;
        found++;
      }
    }
    return shards;
  }

  /** The operator instance that Flink gives the key ({@code dataType}, {@code shard}). */
  public static int instanceOf(String dataType, int shard, int parallelism, int maxParallelism) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(
        Tuple2.of(dataType, shard), maxParallelism, parallelism);
  }
}

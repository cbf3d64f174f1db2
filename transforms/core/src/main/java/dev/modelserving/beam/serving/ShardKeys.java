package dev.modelserving.beam.serving;

import java.io.Serializable;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.KV;

/**
 * Keyed mode: the keys {@code (data type, id)} of a data type's shards. Shard {@code i} is not
 * simply id {@code i}: Flink places a key by a hash of its encoded bytes, so the keys of a data
 * type's shards may share a subtask (("credit-card", 0), ("credit-card", 1) and ("credit-card", 2)
 * all land on subtask 0 of 3), leaving the data type fewer cores than shards. On Flink the ids are chosen so that the
 * shards fall into the key-group ranges of different subtasks (for {@code shards} subtasks; so at
 * the default of shards = parallelism, one shard per subtask), placed as the Beam runner places
 * them: the key's {@code FlinkKey}, Flink's key groups. Shard 0 keeps id 0, the data type's first
 * shard. Elsewhere the ids are 0 to shards - 1.
 *
 * <p>The ids depend on the data type, the number of shards and Flink's max parallelism, not on the
 * parallelism itself: a job restored at another parallelism (with {@code --shards} and the max
 * parallelism unchanged) finds its models under the same keys.
 */
final class ShardKeys implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String FLINK_ASSIGNMENT = "org.apache.flink.runtime.state.KeyGroupRangeAssignment";
  /** The key object the Beam Flink runner partitions by. */
  private static final String BEAM_FLINK_KEY = "org.apache.beam.runners.flink.adapter.FlinkKey";
  /** Flink's default max parallelism for an operator of parallelism up to 85. */
  private static final int FLINK_DEFAULT_MAX_PARALLELISM = 128;

  /** Where a runner places a key among {@code parallelism} subtasks. */
  interface Placement extends Serializable {
    int subtask(KV<String, Integer> key, int parallelism);
  }

  private final int shards;
  /** Null: the runner does not place keys by their bytes (ids 0 to shards - 1). */
  private final Placement placement;
  private transient volatile Map<String, int[]> ids;

  ShardKeys(int shards, Placement placement) {
    if (shards < 1) {
      throw new IllegalArgumentException("at least 1 shard, was " + shards);
    }
    this.shards = shards;
    this.placement = placement;
  }

  /** The shard keys for the runner of {@code options}: spread by Flink's key groups on Flink. */
  static ShardKeys forRunner(PipelineOptions options, int shards, Coder<KV<String, Integer>> keyCoder) {
    String runner = options.getRunner() == null ? "" : options.getRunner().getSimpleName();
    if (!runner.startsWith("Flink") || shards == 1) {
      return new ShardKeys(shards, null);
    }
    Method defaultMax;
    try {
      defaultMax = Class.forName(FLINK_ASSIGNMENT, true, ShardKeys.class.getClassLoader())
          .getMethod("computeDefaultMaxParallelism", int.class);
      Class.forName(BEAM_FLINK_KEY, false, ShardKeys.class.getClassLoader());
    } catch (ReflectiveOperationException | LinkageError e) {
      return new ShardKeys(shards, null);
    }
    int maxParallelism = maxParallelism(options, defaultMax);
    return new ShardKeys(shards,
        shards > maxParallelism ? null : new FlinkKeyGroups(maxParallelism, keyCoder));
  }

  /** Flink's {@code --maxParallelism}, else the default Flink derives from {@code --parallelism}. */
  private static int maxParallelism(PipelineOptions options, Method defaultMax) {
    String flinkOptions = "org.apache.beam.runners.flink.FlinkPipelineOptions";
    Integer max = DefaultShards.option(options, flinkOptions, "getMaxParallelism");
    if (max != null && max > 0) {
      return max;
    }
    Integer parallelism = DefaultShards.option(options, flinkOptions, "getParallelism");
    try {
      return parallelism != null && parallelism > 0
          ? (Integer) defaultMax.invoke(null, parallelism)
          : FLINK_DEFAULT_MAX_PARALLELISM;
    } catch (ReflectiveOperationException e) {
      return FLINK_DEFAULT_MAX_PARALLELISM;
    }
  }

  int shards() {
    return shards;
  }

  /** The key ids of {@code dataType}'s shards, shard 0 first. */
  int[] ids(String dataType) {
    if (ids == null) {
      ids = new ConcurrentHashMap<>();
    }
    return ids.computeIfAbsent(dataType, this::choose);
  }

  private int[] choose(String dataType) {
    int[] plain = IntStream.range(0, shards).toArray();
    if (placement == null) {
      return plain;
    }
    int[] chosen = new int[shards]; // shard 0 keeps id 0
    int first = placement.subtask(KV.of(dataType, 0), shards);
    int found = 1;
    boolean[] taken = new boolean[shards];
    taken[first] = true;
    // shard i goes to subtask (first + i) % shards; a few hundred candidates cover any layout
    for (int candidate = 1; found < shards && candidate < shards * 1000; candidate++) {
      int subtask = placement.subtask(KV.of(dataType, candidate), shards);
      if (!taken[subtask]) {
        taken[subtask] = true;
        chosen[Math.floorMod(subtask - first, shards)] = candidate;
        found++;
      }
    }
    return found == shards ? chosen : plain;
  }

  /** Flink's placement of the Beam runner's key: a key group by its hash, a range of key groups per subtask. */
  static final class FlinkKeyGroups implements Placement {
    private static final long serialVersionUID = 1L;
    private final int maxParallelism;
    private final Coder<KV<String, Integer>> keyCoder;
    private transient Method runnerKey;
    private transient Method assign;

    FlinkKeyGroups(int maxParallelism, Coder<KV<String, Integer>> keyCoder) {
      this.maxParallelism = maxParallelism;
      this.keyCoder = keyCoder;
    }

    @Override
    public int subtask(KV<String, Integer> key, int parallelism) {
      try {
        if (assign == null) {
          ClassLoader loader = ShardKeys.class.getClassLoader();
          runnerKey = Class.forName(BEAM_FLINK_KEY, true, loader).getMethod("of", Object.class, Coder.class);
          assign = Class.forName(FLINK_ASSIGNMENT, true, loader)
              .getMethod("assignKeyToParallelOperator", Object.class, int.class, int.class);
        }
        return (Integer) assign.invoke(null, runnerKey.invoke(null, key, keyCoder), maxParallelism, parallelism);
      } catch (ReflectiveOperationException | LinkageError e) {
        throw new IllegalStateException("the Beam Flink runner's " + BEAM_FLINK_KEY + " or Flink's "
            + FLINK_ASSIGNMENT + " is not on the classpath", e);
      }
    }
  }
}

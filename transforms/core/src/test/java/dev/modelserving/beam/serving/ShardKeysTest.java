package dev.modelserving.beam.serving;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

/**
 * The shard keys of a data type land on different subtasks where the runner places keys by their
 * bytes. Flink's own placement is checked in the pipeline module, which has Flink.
 */
class ShardKeysTest {
  private static final Coder<KV<String, Integer>> KEY = KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
  /** A stand-in placement that, like Flink's, puts ids 0 and 1 of most data types on one subtask. */
  private static final ShardKeys.Placement BY_HASH =
      (key, parallelism) -> Math.floorMod(encoded(key).hashCode() * 31 / 7, 97) * parallelism / 97;

  @Test
  void eachShardLandsOnItsOwnSubtaskAndShardZeroKeepsIdZero() {
    for (int shards = 2; shards <= 8; shards++) {
      for (String dataType : new String[] {"wine", "iris", "credit-card", "a"}) {
        int[] ids = new ShardKeys(shards, BY_HASH).ids(dataType);
        Set<Integer> subtasks = new HashSet<>();
        for (int id : ids) {
          subtasks.add(BY_HASH.subtask(KV.of(dataType, id), shards));
        }
        assertThat(dataType + " " + Arrays.toString(ids), subtasks.size(), is(shards));
        assertThat(ids[0], is(0));
        assertThat(Arrays.stream(ids).distinct().count(), is((long) shards));
      }
    }
  }

  @Test
  void theIdsAreTheSameInEveryCopyOfTheSteps() {
    ShardKeys keys = new ShardKeys(4, BY_HASH);
    ShardKeys copy = SerializableUtils.clone(keys);
    assertThat(copy.ids("wine"), equalTo(keys.ids("wine")));
  }

  @Test
  void aPlacementThatCannotSpreadTheShardsLeavesThePlainIds() {
    ShardKeys keys = new ShardKeys(3, (key, parallelism) -> 0);
    assertThat(keys.ids("wine"), equalTo(new int[] {0, 1, 2}));
  }

  @Test
  void runnersOtherThanFlinkGetThePlainIds() {
    ShardKeys keys = ShardKeys.forRunner(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create(), 3, KEY);
    assertThat(keys.ids("wine"), equalTo(new int[] {0, 1, 2}));
    assertThat(keys.shards(), is(3));
  }

  private static ByteBuffer encoded(KV<String, Integer> key) {
    try {
      return ByteBuffer.wrap(CoderUtils.encodeToByteArray(KEY, key));
    } catch (CoderException e) {
      throw new IllegalStateException(e);
    }
  }
}

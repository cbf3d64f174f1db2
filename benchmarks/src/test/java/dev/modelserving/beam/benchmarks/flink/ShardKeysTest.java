package dev.modelserving.beam.benchmarks.flink;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Shard keys put one key on every parallel instance. */
class ShardKeysTest {

  @Test
  void everyInstanceGetsItsOwnKey() {
    for (int p = 1; p <= 8; p++) {
      int[] shards = ShardKeys.spread("wine", p, NativeFlinkJob.MAX_PARALLELISM);
      assertThat(shards.length, equalTo(p));
      for (int i = 0; i < p; i++) {
        assertThat("parallelism " + p + " instance " + i,
            ShardKeys.instanceOf("wine", shards[i], p, NativeFlinkJob.MAX_PARALLELISM), equalTo(i));
      }
      assertThat("distinct shards", Arrays.stream(shards).distinct().count(), equalTo((long) p));
    }
  }
}

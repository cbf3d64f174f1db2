package dev.modelserving.beam.benchmarks.serve;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

/**
 * Where the Flink runner puts keyed-mode shards. The expected placement was observed: in a keyed
 * run at parallelism 2, both instances of the serving operator did the same work.
 */
class ShardPlacementTest {

  @Test
  void theWineShardsLandOnBothInstancesAtParallelismTwo() {
    assertThat(ShardPlacement.instances("wine", 2, 2).stream().distinct().count(), equalTo(2L));
    assertThat(ShardPlacement.spread("wine", 2, 2), equalTo(true));
    assertThat(ShardPlacement.instances("wine", 1, 1), contains(0));
  }
}

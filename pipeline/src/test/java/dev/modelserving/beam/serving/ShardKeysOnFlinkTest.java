package dev.modelserving.beam.serving;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.HashSet;
import java.util.Set;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.runners.flink.adapter.FlinkKey;
import org.apache.beam.runners.flink.translation.wrappers.streaming.KvToFlinkKeyKeySelector;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

/**
 * Keyed serving on Flink: a data type's shards land on different subtasks, as Flink itself places
 * them (the Beam runner's key selector, Flink's key groups). Lives in the pipeline module, the one
 * with Flink on its classpath.
 */
class ShardKeysOnFlinkTest {
  private static final Coder<KV<String, Integer>> KEY = KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
  private static final String[] DATA_TYPES = {"wine", "iris", "credit-card", "fraud", "a", "b"};

  @Test
  void plainShardNumbersShareSubtasks() {
    // why the keys are chosen: ("credit-card", 0 to 2) all land on subtask 0 of 3
    assertThat(subtask("credit-card", 0, 128, 3), is(0));
    assertThat(subtask("credit-card", 1, 128, 3), is(0));
    assertThat(subtask("credit-card", 2, 128, 3), is(0));
  }

  @Test
  void atTheDefaultShardsEverySubtaskServesOneShard() {
    for (int parallelism = 2; parallelism <= 8; parallelism++) {
      ShardKeys keys = ShardKeys.forRunner(flink(parallelism, -1), parallelism, KEY);
      for (String dataType : DATA_TYPES) {
        Set<Integer> subtasks = new HashSet<>();
        for (int id : keys.ids(dataType)) {
          subtasks.add(subtask(dataType, id, 128, parallelism));
        }
        assertThat(dataType + " at parallelism " + parallelism, subtasks.size(), is(parallelism));
        assertThat(keys.ids(dataType)[0], is(0));
      }
    }
  }

  @Test
  void aSetMaxParallelismIsTheOneTheKeysAreSpreadFor() {
    ShardKeys keys = ShardKeys.forRunner(flink(3, 720), 3, KEY);
    for (String dataType : DATA_TYPES) {
      Set<Integer> subtasks = new HashSet<>();
      for (int id : keys.ids(dataType)) {
        subtasks.add(subtask(dataType, id, 720, 3));
      }
      assertThat(dataType, subtasks.size(), is(3));
    }
  }

  @Test
  void twiceTheShardsOfTheParallelismPutTwoOnEachSubtask() {
    ShardKeys keys = ShardKeys.forRunner(flink(2, -1), 4, KEY);
    int[] perSubtask = new int[2];
    for (int id : keys.ids("wine")) {
      perSubtask[subtask("wine", id, 128, 2)]++;
    }
    assertThat(perSubtask[0], is(2));
    assertThat(perSubtask[1], is(2));
  }

  private static FlinkPipelineOptions flink(int parallelism, int maxParallelism) {
    FlinkPipelineOptions options = PipelineOptionsFactory.create().as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    options.setParallelism(parallelism);
    options.setMaxParallelism(maxParallelism);
    return options;
  }

  /** Where the runner sends an element of key (dataType, id) among {@code parallelism} subtasks. */
  private static int subtask(String dataType, int id, int maxParallelism, int parallelism) {
    KvToFlinkKeyKeySelector<KV<String, Integer>, String> selector = new KvToFlinkKeyKeySelector<>(KEY);
    FlinkKey key = selector.getKey(WindowedValues.valueInGlobalWindow(KV.of(KV.of(dataType, id), "record")));
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, parallelism);
  }
}

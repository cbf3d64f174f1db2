package dev.modelserving.beam.serving;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** Without withShards, a data type gets as many shards as the runner's parallelism. */
class DefaultShardsTest {
  @Test
  void theDirectRunnersTargetParallelismIsTheDefault() {
    DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setTargetParallelism(5);
    assertThat(DefaultShards.of(options), is(5));
  }

  @Test
  void aRunnerThatDoesNotTellGetsTheCoresOfTheLaunchingMachine() {
    PipelineOptions options = PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create();
    options.setRunner(null);
    assertThat(DefaultShards.of(options), is(Math.max(1, Runtime.getRuntime().availableProcessors())));
  }
}

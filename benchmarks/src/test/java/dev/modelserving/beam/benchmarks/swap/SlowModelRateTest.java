package dev.modelserving.beam.benchmarks.swap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;

import org.junit.jupiter.api.Test;

/** The slow model's load is half the sustainable rate estimated from its cost per record. */
class SlowModelRateTest {

  @Test
  void costsAddUp() {
    // 1/30,000 s of pipeline work per record, 1/(2 × 3,000) s of model work: capacity 5,000/s
    assertThat(ModelSwapSuite.slowModelRate(30_000, 3_000), closeTo(2_500, 1e-6));
    assertThat("a model that costs nothing leaves the tree's rate", ModelSwapSuite.slowModelRate(30_000, 1e12),
        closeTo(15_000, 1e-3));
  }
}

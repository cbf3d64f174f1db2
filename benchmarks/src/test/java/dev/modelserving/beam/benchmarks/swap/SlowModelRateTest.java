package dev.modelserving.beam.benchmarks.swap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;

import org.junit.jupiter.api.Test;

/** The slow model's load is half the sustainable rate estimated from its cost per record and its loads. */
class SlowModelRateTest {

  @Test
  void costsAddUp() {
    // 1/30,000 s of pipeline work per record, 1/(2 × 3,000) s of model work: capacity 5,000/s
    assertThat(ModelSwapSuite.slowModelRate(30_000, 3_000, 0, 5), closeTo(2_500, 1e-6));
    assertThat("a model that costs nothing leaves the tree's rate", ModelSwapSuite.slowModelRate(30_000, 1e12, 0, 5),
        closeTo(15_000, 1e-3));
  }

  @Test
  void loadsTakeTheirShareOfACore() {
    // loads take half a core: model capacity 3,000 × 1.5 = 4,500/s; 1 / (1/30,000 + 1/4,500) = 3,913/s
    assertThat(ModelSwapSuite.slowModelRate(30_000, 3_000, 1, 2), closeTo(0.5 * 1 / (1 / 30_000.0 + 1 / 4_500.0), 1e-6));
    assertThat("loads that never stop leave one core", ModelSwapSuite.slowModelRate(1e15, 3_000, 9, 5),
        closeTo(1_500, 1e-3));
  }
}

package dev.modelserving.beam.serving.policy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;

import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The weighted split of the routed policy: matches the weights, sticks per record id, keeps a canary's records. */
class StickyRouterTest {
  private static final int SAMPLE = 200_000;
  /** Five standard deviations of a binomial share at this sample size: about 0.45 percentage points. */
  private static final double TOLERANCE = 0.0045;

  @Test
  void overALargeSeededSampleTheSplitMatchesTheWeights() {
    double[] weights = {70, 20, 10};
    int[] counts = new int[3];
    Random random = new Random(42);
    for (int i = 0; i < SAMPLE; i++) {
      counts[StickyRouter.pick(StickyRouter.point("order-" + random.nextLong()), weights)]++;
    }
    assertThat(counts[0] / (double) SAMPLE, closeTo(0.70, TOLERANCE));
    assertThat(counts[1] / (double) SAMPLE, closeTo(0.20, TOLERANCE));
    assertThat(counts[2] / (double) SAMPLE, closeTo(0.10, TOLERANCE));
  }

  @Test
  void aRecordIdAlwaysGoesToTheSameModel() {
    double[] weights = {50, 50};
    for (int i = 0; i < 1_000; i++) {
      String id = "record-" + i;
      int first = StickyRouter.pick(StickyRouter.point(id), weights);
      for (int k = 0; k < 5; k++) {
        assertThat(StickyRouter.pick(StickyRouter.point(new String(id.toCharArray())), weights), equalTo(first));
      }
    }
    assertThat("a fixed id has a fixed point in every JVM", StickyRouter.point("record-1"),
        equalTo(StickyRouter.point("record-1")));
  }

  @Test
  void raisingTheWeightOfTheCanaryListedLastKeepsEveryRecordItHad() {
    for (int i = 0; i < 20_000; i++) {
      double point = StickyRouter.point("r" + i);
      if (StickyRouter.pick(point, new double[] {90, 10}) == 1) {
        assertThat(StickyRouter.pick(point, new double[] {50, 50}), equalTo(1));
      }
    }
  }

  @Test
  void theRoutedPlanLeavesOutModelsNotInTheSetAndFallsBackToTheNewest() {
    RoutedPolicy routed = ServingPolicies.routed();
    Routing r = Routing.newBuilder()
        .addWeights(ModelWeight.newBuilder().setModel("blue").setWeight(80))
        .addWeights(ModelWeight.newBuilder().setModel("gone").setWeight(20))
        .addShadows("shadow").build();
    Plan plan = routed.plan(List.of("shadow", "blue", "green"), r);
    assertThat(plan.kind(), equalTo(Plan.Kind.ROUTED));
    assertThat(plan.models(), equalTo(List.of("blue")));
    assertThat(plan.shadows(), equalTo(List.of("shadow")));
    Plan none = routed.plan(List.of("blue", "green"), Routing.getDefaultInstance());
    assertThat(none.models(), equalTo(List.of("green")));
    Plan byDefault = routed.withDefaultRouting(r).plan(List.of("blue", "green"), Routing.getDefaultInstance());
    assertThat(byDefault.models(), equalTo(List.of("blue")));
  }
}

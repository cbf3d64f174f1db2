package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.PolicyTestSupport.list;
import static dev.modelserving.beam.serving.PolicyTestSupport.records;
import static dev.modelserving.beam.serving.PolicyTestSupport.route;
import static dev.modelserving.beam.serving.PolicyTestSupport.routing;
import static dev.modelserving.beam.serving.PolicyTestSupport.scripted;
import static dev.modelserving.beam.serving.PolicyTestSupport.serveWith;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ShadowComparison;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import dev.modelserving.beam.serving.ServingTestSupport.Inputs;
import dev.modelserving.beam.serving.policy.ServingPolicies;
import dev.modelserving.beam.serving.policy.StickyRouter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Traffic routing changed by routing messages on the model stream: the split follows the weights
 * and sticks per record id, a routing message changes it from the next record on, a blue/green
 * switch and its switch back take effect at the right record, and shadow answers reach only the
 * comparison output. In keyed and broadcast mode.
 */
@ExtendWith(TestPipelineExtension.class)
class RoutedPolicyTest {
  private static final ModelDescriptor BLUE = scripted("blue", "label=red;p=0.8");
  private static final ModelDescriptor GREEN = scripted("green", "label=white;p=0.7");
  /** The observed share may differ from the weight by this much: the ids are fixed, so the split is too. */
  private static final double TOLERANCE = 0.03;

  @Test
  void theSplitFollowsTheWeightsAndARoutingMessageChangesItFromThatRecordOn(TestPipeline p) {
    List<KV<String, String>> split = records("s", 2_000);
    List<KV<String, String>> green = records("g", 300);
    List<KV<String, String>> back = records("b", 300);
    Inputs in = Inputs.of(p, Arrivals.stream().model(BLUE).model(GREEN)
        .model(route("blue", 80, "green", 20)).records(split)
        .model(route("green", 1)).records(green)          // blue/green: switch to green
        .model(route("blue", 1)).records(back));          // and back to blue
    for (ServingMode mode : ServingMode.values()) {
      var result = in.serve(mode.name(), serveWith(ServingPolicies.routed()).withMode(mode));
      PAssert.that(result.getScored()).satisfies(scored -> {
        Map<String, String> modelById = new HashMap<>();
        Map<String, Integer> inSplit = new HashMap<>();
        for (ScoredRecord<KV<String, String>> r : list(scored)) {
          String id = ServingTestSupport.id(r);
          modelById.put(id, r.getModelName());
          if (id.startsWith("s")) {
            inSplit.merge(r.getModelName(), 1, Integer::sum);
            double point = StickyRouter.point(id);
            assertThat("sticky: the record goes where its id hashes", r.getModelName(),
                equalTo(StickyRouter.pick(point, new double[] {80, 20}) == 0 ? "blue" : "green"));
            assertThat(r.getDecision(), equalTo("routed/weight"));
          }
        }
        assertThat(modelById.size(), equalTo(2_600));
        assertThat(inSplit.get("green") / 2_000.0, closeTo(0.20, TOLERANCE));
        for (Map.Entry<String, String> e : modelById.entrySet()) {
          if (e.getKey().startsWith("g")) {
            assertThat("after the switch to green", e.getValue(), equalTo("green"));
          } else if (e.getKey().startsWith("b")) {
            assertThat("after the switch back", e.getValue(), equalTo("blue"));
          }
        }
        return null;
      });
      PAssert.that(result.getShadowComparisons()).empty();
    }
    p.run().waitUntilFinish();
  }

  @Test
  void shadowAnswersNeverReachTheScoredOutputOnlyTheComparisons(TestPipeline p) {
    ModelDescriptor agreeing = scripted("twin", "label=red;p=0.6");
    List<KV<String, String>> wines = records("w", 200);
    Inputs in = Inputs.of(p, Arrivals.stream().model(BLUE).model(GREEN).model(agreeing)
        .model(ModelDescriptors.route(ServingTestSupport.WINE, routing(List.of("green", "twin"), "blue", 1)))
        .records(wines));
    for (ServingMode mode : ServingMode.values()) {
      var result = in.serve(mode.name(), serveWith(ServingPolicies.routed()).withMode(mode));
      PAssert.that(result.getScored()).satisfies(scored -> {
        List<ScoredRecord<KV<String, String>>> all = list(scored);
        assertThat(all.size(), equalTo(200));
        assertThat(all.stream().map(ScoredRecord::getModelName).collect(Collectors.toSet()), equalTo(java.util.Set.of("blue")));
        assertThat(all.stream().map(r -> r.getOutput().getLabel()).collect(Collectors.toList()), everyItem(equalTo("red")));
        return null;
      });
      PAssert.that(result.getShadowComparisons()).satisfies(comparisons -> {
        List<ShadowComparison> all = StreamSupport.stream(comparisons.spliterator(), false).collect(Collectors.toList());
        assertThat(all.size(), equalTo(400));
        for (ShadowComparison c : all) {
          assertThat(c.getPrimary().getModelName(), equalTo("blue"));
          assertThat(c.agrees(), is(c.getShadow().getModelName().equals("twin")));
        }
        return null;
      });
    }
    p.run().waitUntilFinish();
  }
}

package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.PolicyTestSupport.list;
import static dev.modelserving.beam.serving.PolicyTestSupport.records;
import static dev.modelserving.beam.serving.PolicyTestSupport.scripted;
import static dev.modelserving.beam.serving.PolicyTestSupport.serveWith;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import dev.modelserving.beam.serving.ServingTestSupport.Inputs;
import dev.modelserving.beam.serving.policy.ServingPolicies;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Consensus and best confidence in a pipeline: the majority label wins with one batched call per
 * model, regression answers combine to their median, the most confident answer wins and records
 * below the minimum confidence go to review, counts balance, and every model has its counters and
 * latency distribution.
 */
@ExtendWith(TestPipelineExtension.class)
class VotingPoliciesTest {
  private static final ModelDescriptor RED = scripted("red", "label=red;p=0.6");
  private static final ModelDescriptor WHITE = scripted("white", "label=white;p=0.9");
  private static final ModelDescriptor RED_TOO = scripted("red-too", "label=red;p=0.55");
  private static final int N = 50;

  @Test
  void theMajorityWinsAndEveryModelIsCountedWithItsLatency(TestPipeline p) {
    Inputs in = Inputs.of(p, Arrivals.stream().model(RED).model(WHITE).model(RED_TOO).records(records("w", N)));
    var keyed = in.serve("Keyed", serveWith(ServingPolicies.consensus()));
    var broadcast = in.serve("Broadcast", serveWith(ServingPolicies.consensus()).withMode(ServingMode.BROADCAST));
    for (var result : List.of(keyed, broadcast)) {
      PAssert.that(result.getScored()).satisfies(scored -> {
        List<ScoredRecord<KV<String, String>>> all = list(scored);
        assertThat(all.size(), equalTo(N));
        for (ScoredRecord<KV<String, String>> r : all) {
          assertThat(r.getOutput().getLabel(), equalTo("red"));
          assertThat(r.getDecision(), equalTo("consensus/majority"));
          assertThat(r.getModelName(), equalTo("red-too")); // the newest red voter is consulted first
          assertThat(r.getTrace().getAnswers().size(), equalTo(3));
          assertThat(r.getTrace().getReason(), containsString("'red' has 2 of 3 votes"));
        }
        return null;
      });
    }
    PipelineResult run = p.run();
    run.waitUntilFinish();
    Map<String, Long> counters = ServingTestSupport.servingCounters(run);
    assertThat(counters.get("wine/red-too@1/won"), equalTo(2L * N));
    assertThat(counters.get("wine/red@1/lost"), equalTo(2L * N));
    assertThat(counters.get("wine/white@1/lost"), equalTo(2L * N));
    assertThat(counters.get("wine/white@1/scored"), equalTo(2L * N));
    for (MetricResult<DistributionResult> d : run.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(ServingMetrics.NAMESPACE, "wine/white@1/latency-micros")).build())
        .getDistributions()) {
      assertThat("one latency sample per batch call", d.getAttempted().getCount(), greaterThan(0L));
    }
  }

  @Test
  void regressionAnswersCombineToTheirMedian(TestPipeline p) {
    var result = ServingTestSupport.serve(p, Arrivals.stream().model(scripted("a", "value=1")).model(scripted("b", "value=7"))
        .model(scripted("c", "value=4")).records(records("w", N)), serveWith(ServingPolicies.consensus()));
    PAssert.that(result.getScored()).satisfies(scored -> {
      for (ScoredRecord<KV<String, String>> r : list(scored)) {
        assertThat(r.getOutput().getValue(), equalTo(4.0));
        assertThat(r.getModelName(), equalTo("c"));
        assertThat(r.getDecision(), equalTo("consensus/median"));
      }
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void theMostConfidentAnswerWinsAndLowConfidenceGoesToReview(TestPipeline p) {
    Inputs in = Inputs.of(p, Arrivals.stream().model(RED).model(WHITE).records(records("w", N)));
    var confident = in.serve("Confident", serveWith(ServingPolicies.bestConfidence(0.8)));
    var demanding = in.serve("Demanding", serveWith(ServingPolicies.bestConfidence(0.95)));
    PAssert.that(confident.getScored()).satisfies(scored -> {
      List<ScoredRecord<KV<String, String>>> all = list(scored);
      assertThat(all.size(), equalTo(N));
      for (ScoredRecord<KV<String, String>> r : all) {
        assertThat(r.getModelName(), equalTo("white"));
        assertThat(r.getDecision(), equalTo("best-confidence/highest-confidence"));
      }
      return null;
    });
    PAssert.that(confident.getReview()).empty();
    PAssert.that(demanding.getScored()).empty();
    PAssert.that(demanding.getReview()).satisfies(review -> {
      List<ScoredRecord<KV<String, String>>> all = list(review);
      assertThat("records in = scored + review + dead letters + unserved", all.size(), equalTo(N));
      for (ScoredRecord<KV<String, String>> r : all) {
        assertThat(r.getModelName(), equalTo("white"));
        assertThat(r.getTrace().getReason(), containsString("below the minimum 0.95"));
      }
      return null;
    });
    for (var result : List.of(confident, demanding)) {
      PAssert.that(result.getDeadLetters()).empty();
      PAssert.that(result.getUnserved()).empty();
    }
    p.run().waitUntilFinish();
  }
}

package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.PolicyTestSupport.list;
import static dev.modelserving.beam.serving.PolicyTestSupport.records;
import static dev.modelserving.beam.serving.PolicyTestSupport.scripted;
import static dev.modelserving.beam.serving.PolicyTestSupport.serveWith;
import static dev.modelserving.beam.serving.PolicyTestSupport.statusOf;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.isOneOf;
import static org.hamcrest.Matchers.containsString;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.ModelAnswer.Status;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import dev.modelserving.beam.serving.ServingTestSupport.Inputs;
import dev.modelserving.beam.serving.policy.ServingPolicies;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Speculative execution with models whose latency is set ({@link ScriptedTestFormat}): a model past
 * the budget is ignored and reported as timed out, the fast model always answers (even past the
 * budget), and every answer within the budget is considered. In keyed and broadcast mode.
 */
@ExtendWith(TestPipelineExtension.class)
class SpeculativePolicyTest {
  private static final ModelDescriptor FAST = scripted("fast", "label=red;p=0.6");
  private static final ModelDescriptor SLOW = scripted("slow", "label=white;p=0.9;delay=600");
  private static final int N = 40;

  @Test
  void aModelPastTheBudgetIsIgnoredAndReportedAsTimedOut(TestPipeline p) {
    List<KV<String, String>> wines = records("w", N);
    // one slow model per mode: a call abandoned by one mode would keep a shared model busy for the other
    ModelDescriptor slowKeyed = scripted("slow-keyed", "label=white;p=0.9;delay=600");
    ModelDescriptor slowBroadcast = scripted("slow-broadcast", "label=white;p=0.9;delay=600");
    Inputs in = Inputs.of(p, Arrivals.stream().model(FAST).model(slowKeyed).model(slowBroadcast).records(wines));
    for (ServingMode mode : ServingMode.values()) {
      String slow = mode == ServingMode.KEYED ? "slow-keyed" : "slow-broadcast";
      var policy = ServingPolicies.speculative(Duration.millis(100), "fast").preferring(slow);
      var result = in.serve(mode.name(), serveWith(policy).withMode(mode));
      PAssert.that(result.getScored()).satisfies(scored -> {
        List<ScoredRecord<KV<String, String>>> all = list(scored);
        assertThat(all.size(), equalTo(N));
        boolean timedOut = false;
        for (ScoredRecord<KV<String, String>> r : all) {
          assertThat(r.getModelName(), equalTo("fast"));
          assertThat(r.getOutput().getLabel(), equalTo("red"));
          assertThat(r.getDecision(), equalTo("speculative/fast"));
          assertThat(r.getTrace().getWinner(), equalTo("fast"));
          assertThat(r.getTrace().getAnswers().size(), equalTo(2));
          assertThat(statusOf(r, "fast"), is(Status.ANSWERED));
          assertThat(r.getTrace().answerOf("fast").getRole(), equalTo("fast"));
          // the first batch past the budget times out; later ones skip the model while it is still busy
          assertThat(statusOf(r, slow), isOneOf(Status.TIMED_OUT, Status.SKIPPED));
          timedOut |= statusOf(r, slow) == Status.TIMED_OUT;
          assertThat(r.getTrace().answerOf(slow).getFailure(),
              r.getTrace().answerOf(slow).getStatus() == Status.TIMED_OUT ? containsString("100 ms budget")
                  : containsString("busy"));
        }
        assertThat("some batch waited for the slow model until the budget expired", timedOut, is(true));
        return null;
      });
      PAssert.that(result.getDeadLetters()).empty();
      PAssert.that(result.getUnserved()).empty();
      PAssert.that(result.getReview()).empty();
    }
    p.run().waitUntilFinish();
  }

  @Test
  void theFastModelIsAlwaysWaitedForEvenPastTheBudget(TestPipeline p) {
    ModelDescriptor slowFast = scripted("fast", "label=red;delay=150");
    List<KV<String, String>> wines = records("w", N);
    // another version of the slow model: a call of SLOW abandoned by another test may still run
    ModelDescriptor slow = scripted("slow", "2", "label=white;p=0.9;delay=600");
    var result = ServingTestSupport.serve(p, Arrivals.stream().model(slowFast).model(slow).records(wines),
        serveWith(ServingPolicies.speculative(Duration.millis(50), "fast")));
    PAssert.that(result.getScored()).satisfies(scored -> {
      List<ScoredRecord<KV<String, String>>> all = list(scored);
      assertThat("no record is dropped because the models missed the deadline", all.size(), equalTo(N));
      for (ScoredRecord<KV<String, String>> r : all) {
        assertThat(r.getModelName(), equalTo("fast"));
        assertThat(statusOf(r, "fast"), is(Status.ANSWERED));
        assertThat(r.getLatencyNanos(), greaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150)));
        assertThat(statusOf(r, "slow"), isOneOf(Status.TIMED_OUT, Status.SKIPPED));
      }
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void everyAnswerWithinTheBudgetIsConsideredAndThePreferredOneWins(TestPipeline p) {
    ModelDescriptor better = scripted("better", "label=white;p=0.9;delay=20");
    ModelDescriptor other = scripted("other", "label=rose;p=0.7;delay=5");
    List<KV<String, String>> wines = records("w", N);
    Inputs in = Inputs.of(p, Arrivals.stream().model(FAST).model(other).model(better).records(wines));
    var policy = ServingPolicies.speculative(Duration.millis(5_000), "fast").preferring("better", "other");
    for (ServingMode mode : ServingMode.values()) {
      var result = in.serve(mode.name(), serveWith(policy).withMode(mode));
      PAssert.that(result.getScored()).satisfies(scored -> {
        List<ScoredRecord<KV<String, String>>> all = list(scored);
        assertThat(all.size(), equalTo(N));
        for (ScoredRecord<KV<String, String>> r : all) {
          assertThat(r.getTrace().getAnswers().size(), equalTo(3));
          for (String name : List.of("better", "other", "fast")) {
            assertThat(name + " answered in time", statusOf(r, name), is(Status.ANSWERED));
            assertThat(r.getTrace().answerOf(name).getLatencyNanos(), greaterThan(0L));
          }
          assertThat(r.getModelName(), equalTo("better"));
          assertThat(r.getOutput().getLabel(), equalTo("white"));
          assertThat(r.getDecision(), equalTo("speculative/preferred"));
          assertThat(r.getTrace().getReason(), containsString("most preferred"));
        }
        return null;
      });
    }
    p.run().waitUntilFinish();
  }
}

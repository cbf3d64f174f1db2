package dev.modelserving.beam.serving.policy;

import static dev.modelserving.beam.serving.policy.Answers.failed;
import static dev.modelserving.beam.serving.policy.Answers.label;
import static dev.modelserving.beam.serving.policy.Answers.timedOut;
import static dev.modelserving.beam.serving.policy.Answers.value;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.proto.Routing;
import java.util.List;
import java.util.Map;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/** The decision rules of consensus, best confidence and speculative execution, and their plans. */
class DecisionRulesTest {
  private final ConsensusPolicy consensus = ServingPolicies.consensus();

  @Test
  void theMajorityLabelWinsWithTheAnswerOfItsFirstVoter() {
    Decision d = consensus.decide(List.of(label("a", "red"), label("b", "white"), label("c", "white")));
    assertThat(d.winner(), equalTo(1));
    assertThat(d.rule(), equalTo("majority"));
    assertThat(d.reason(), containsString("'white' has 2 of 3 votes"));
  }

  @Test
  void aPluralityWithoutMajorityIsNamedSo() {
    Decision d = consensus.decide(List.of(label("a", "red"), label("b", "white"), label("c", "rose"),
        label("d", "white")));
    assertThat(d.winner(), equalTo(1));
    assertThat(d.rule(), equalTo("plurality"));
  }

  @Test
  void aTieGoesToTheHigherSummedConfidence() {
    Decision d = consensus.decide(List.of(label("a", "red", 0.55), label("b", "white", 0.9)));
    assertThat(d.winner(), equalTo(1));
    assertThat(d.rule(), equalTo("tie-break"));
  }

  @Test
  void aTieOfEqualConfidenceGoesToTheModelConsultedFirst() {
    Decision d = consensus.decide(List.of(label("a", "red", 0.8), label("b", "white", 0.8)));
    assertThat(d.winner(), equalTo(0));
    assertThat(consensus.decide(List.of(label("a", "red"), label("b", "white"))).winner(), equalTo(0));
  }

  @Test
  void onlyAnswersThatArrivedVote() {
    Decision d = consensus.decide(List.of(timedOut("a"), timedOut("b"), label("c", "red"), failed("d", "bad x")));
    assertThat(d.winner(), equalTo(2));
    assertThat(d.rule(), equalTo("majority"));
    assertThat(d.reason(), containsString("1 of 1 votes"));
    assertThat(d.reason(), containsString("'a' timed out"));
  }

  @Test
  void regressionTakesTheMedianOrTheMean() {
    Decision median = consensus.decide(List.of(value("a", 1), value("b", 10), value("c", 4)));
    assertThat(median.combined().getValue(), equalTo(4.0));
    assertThat(median.winner(), equalTo(2));
    assertThat(median.rule(), equalTo("median"));
    Decision even = consensus.decide(List.of(value("a", 1), value("b", 10), value("c", 4), value("d", 6)));
    assertThat(even.combined().getValue(), equalTo(5.0));
    Decision mean = consensus.mean().decide(List.of(value("a", 1), value("b", 10), value("c", 4)));
    assertThat(mean.combined().getValue(), equalTo(5.0));
    assertThat(mean.winner(), equalTo(2));
    assertThat(mean.rule(), equalTo("mean"));
  }

  @Test
  void noAnswerMeansNoWinnerWithEveryReason() {
    Decision d = consensus.decide(List.of(failed("a", "field x is missing"), timedOut("b")));
    assertThat(d.hasWinner(), is(false));
    assertThat(d.reason(), containsString("field x is missing"));
    assertThat(d.reason(), containsString("'b' timed out"));
  }

  @Test
  void theMostConfidentAnswerWinsAndLowConfidenceGoesToReview() {
    BestConfidencePolicy best = ServingPolicies.bestConfidence(0.7);
    Decision d = best.decide(List.of(label("a", "red", 0.6), label("b", "white", 0.85), label("c", "red", 0.8)));
    assertThat(d.winner(), equalTo(1));
    assertThat(d.toReview(), is(false));
    Decision low = best.decide(List.of(label("a", "red", 0.6), label("b", "white", 0.65)));
    assertThat(low.winner(), equalTo(1));
    assertThat(low.toReview(), is(true));
    assertThat(low.reason(), containsString("below the minimum 0.7"));
    Decision none = best.decide(List.of(value("a", 7.5)));
    assertThat(none.toReview(), is(true));
  }

  @Test
  void confidenceComesFromProbabilitiesAFieldOrASigmoid() {
    assertThat(Confidence.of(ModelOutput.label("red", Map.of("red", 0.7, "white", 0.3))), closeTo(0.7, 1e-12));
    assertThat(Confidence.of(ModelOutput.builder().value(6.0).field("confidence", 0.4).build()), closeTo(0.4, 1e-12));
    assertThat(Confidence.of(ModelOutput.value(0.2)), closeTo(0.8, 1e-12));
    assertThat(Confidence.of(ModelOutput.value(6.0)), nullValue());
  }

  @Test
  void speculativeAlwaysConsultsTheFastModelLastAndPrefersInOrder() {
    SpeculativePolicy s = ServingPolicies.speculative(Duration.millis(20), "fast").preferring("big", "mid");
    Plan plan = s.plan(List.of("fast", "mid", "big", "unused"), Routing.getDefaultInstance());
    assertThat(plan.models(), equalTo(List.of("big", "mid", "fast")));
    assertThat(plan.fastModel(), equalTo("fast"));
    assertThat(plan.budget(), equalTo(Duration.millis(20)));
    assertThat(s.decide(List.of(timedOut("big"), label("mid", "red"), label("fast", "white"))).winner(), equalTo(1));
    Decision fast = s.decide(List.of(timedOut("big"), timedOut("mid"), label("fast", "white")));
    assertThat(fast.winner(), equalTo(2));
    assertThat(fast.rule(), equalTo("fast"));
    Plan withoutFast = s.plan(List.of("mid", "big"), Routing.getDefaultInstance());
    assertThat(withoutFast.fastModel(), nullValue());
    assertThat(withoutFast.why(), containsString("fast model 'fast' is not in the set"));
  }

  @Test
  void policiesRefuseImpossibleSettings() {
    assertThrows(NullPointerException.class, () -> ServingPolicies.speculative(Duration.millis(20), null));
    assertThrows(IllegalArgumentException.class, () -> ServingPolicies.speculative(Duration.ZERO, "fast"));
    assertThrows(IllegalArgumentException.class, () -> ServingPolicies.bestConfidence(1.5));
    assertThrows(IllegalArgumentException.class, () -> ServingPolicies.routed().withShadowTolerance(-1));
  }
}

package dev.modelserving.beam.benchmarks.policies;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;

import dev.modelserving.beam.benchmarks.latency.TimedIds;
import dev.modelserving.beam.benchmarks.report.LatencySummary;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.DecisionTrace;
import dev.modelserving.beam.record.ModelAnswer;
import dev.modelserving.beam.record.ScoredRecord;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe counts the records due in its window, wherever and whenever they come out. */
class PolicyProbeTest {
  private static final WineWorkload WINES = WineWorkload.standard();
  private static final long MS = 1_000_000L;
  private final PolicyProbe probe = PolicyProbe.open();

  @AfterEach
  void close() {
    probe.close();
  }

  private static DataRecord due(long seq, long dueNanos) {
    return WINES.record(TimedIds.of(seq, dueNanos), "wine", seq);
  }

  private static ScoredRecord<DataRecord> scored(DataRecord r, String decision, long servedAtMillis,
      List<ModelAnswer> answers) {
    ModelOutput out = ModelOutput.label("6", java.util.Map.of());
    DecisionTrace trace = answers == null ? null : new DecisionTrace("speculative", answers, "wine-slow", "test");
    return new ScoredRecord<>(r, "wine", out, "wine-slow", "1", "u", "f", decision, servedAtMillis, 1_000, 1, trace);
  }

  private static ModelAnswer answer(String model, ModelAnswer.Status status) {
    return new ModelAnswer(model, "1", "u-" + model, "model", status,
        status == ModelAnswer.Status.ANSWERED ? ModelOutput.value(1) : null, null, 0);
  }

  @Test
  void countsTheRecordsDueInTheWindowByTheirDueTime() {
    PolicyProbe.Window w = probe.startWindow(1_000 * MS);
    probe.input(due(1, 999 * MS)); // before the window
    probe.input(due(2, 1_000 * MS));
    probe.input(due(3, 1_500 * MS));
    w.end(2_000 * MS);
    probe.input(due(4, 2_000 * MS)); // after it
    probe.input(due(5, 1_999 * MS)); // due inside, came in late: counts
    assertThat(w.inputs(), equalTo(3L));

    List<ModelAnswer> speculative = List.of(answer("wine-slow", ModelAnswer.Status.ANSWERED),
        answer("wine-tree", ModelAnswer.Status.ANSWERED));
    List<ModelAnswer> timedOut = List.of(answer("wine-slow", ModelAnswer.Status.TIMED_OUT),
        answer("wine-tree", ModelAnswer.Status.ANSWERED));
    probe.output(scored(due(2, 1_000 * MS), "speculative/preferred", 5_000, speculative), false, 1_012 * MS, 5_004);
    probe.output(scored(due(3, 1_500 * MS), "speculative/fast", 5_000, timedOut), false, 1_530 * MS, 5_021);
    probe.output(scored(due(5, 1_999 * MS), "speculative/fast", 5_000, timedOut), true, 2_009 * MS, 5_021);
    probe.output(scored(due(4, 2_000 * MS), "speculative/fast", 5_000, timedOut), false, 2_001 * MS, 5_001);
    assertThat(w.answered(), equalTo(3L));
    assertThat(w.review(), equalTo(1L));
    assertThat(w.decisions(), hasEntry("speculative/fast", 2L));
    assertThat(w.decisions(), hasEntry("speculative/preferred", 1L));
    assertThat(w.outcomes(), hasEntry("wine-slow timed out", 2L));
    assertThat(w.outcomes(), hasEntry("wine-slow answered", 1L));
    assertThat(w.outcomes(), hasEntry("wine-tree answered", 3L));

    LatencySummary e2e = w.endToEnd().summary();
    assertThat(e2e.count(), equalTo(3L));
    assertThat("nearest rank: the middle of 10, 12 and 30 ms", e2e.p50(), closeTo(12.0, 0.1));
    assertThat(e2e.max(), equalTo(30.0));
    LatencySummary step = w.stepSummary();
    assertThat("whole milliseconds from the batch's start of serving", step.p50(), equalTo(21.0));
    assertThat(step.max(), equalTo(21.0));
    assertThat(w.step().summary().p50() >= 21.0, equalTo(true));
  }

  @Test
  void recordsWithoutATraceCountTheirDecisionOnly() {
    PolicyProbe.Window w = probe.startWindow(0);
    probe.input(due(1, 10 * MS));
    probe.output(scored(due(1, 10 * MS), "current", 100, null), false, 15 * MS, 101);
    assertThat(w.decisions(), equalTo(java.util.Map.of("current", 1L)));
    assertThat(w.outcomes().isEmpty(), equalTo(true));
  }

  @Test
  void deadLettersCountInTheWindowOfTheirDueTimeAndInTheRun() {
    PolicyProbe.Window w = probe.startWindow(100 * MS);
    probe.failure(DeadLetter.now(TimedIds.of(1, 50 * MS), "wine", DeadLetter.Stage.SCORE, "no model answered"));
    probe.failure(DeadLetter.now(TimedIds.of(2, 150 * MS), "wine", DeadLetter.Stage.SCORE, "no model answered"));
    probe.failure(DeadLetter.now(null, "wine", DeadLetter.Stage.SCORE, "no id"));
    assertThat(w.failures(), equalTo(1L));
    assertThat(probe.failures(), equalTo(3L));
    assertThat(probe.failureReasons().contains("SCORE: no model answered"), equalTo(true));
  }

  @Test
  void aClosedProbeDiscards() {
    PolicyProbe other = PolicyProbe.open();
    assertThat(PolicyProbe.named(other.name()), equalTo(other));
    other.close();
    PolicyProbe discard = PolicyProbe.named(other.name());
    assertThat(discard == other, equalTo(false));
    discard.input(due(1, 1)); // goes nowhere, does not throw
  }
}

package dev.modelserving.beam.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/**
 * How {@link ModelStatus} keeps a data type's status: stats that arrive before the change that
 * makes their model current count for it, stats of a model that left do not, numbered changes are
 * taken once and in order, an unnumbered change older than the last one or one that changes
 * nothing is dropped, and the state and the reports survive their coders.
 */
class StatusStateTest {
  private static final ModelInfo V1 = new ModelInfo("m", "1", "u1", "test", "current", 1_000);
  private static final ModelInfo V2 = new ModelInfo("m", "2", "u2", "test", "current", 2_000);

  @Test
  void statsBeforeTheirChangeCountAndStatsOfAModelThatLeftDoNot() throws Exception {
    StatusState s = new StatusState();
    s.apply(change(ModelSetChange.Kind.ADDED, V1, 10, -1));
    s.add(stats("u1", 5, 100, 300));
    s.add(stats("u2", 3, 50, 50)); // v2 scored before its change arrived
    s.apply(change(ModelSetChange.Kind.REPLACED, V2, 20, -1));
    s.add(stats("u1", 7, 1, 1)); // v1 has left: not counted anywhere
    s.add(stats("u2", 4, 70, 90));

    s = CoderUtils.clone(StatusState.StateCoder.of(), s);
    ModelStatusReport r = s.report("wine", ModelStatusReport.Trigger.INTERVAL, 30);
    r = CoderUtils.clone(ModelStatusReportCoder.of(), r);
    assertThat(r.getModels().size(), equalTo(1));
    ModelStatusReport.Model v2 = r.getModels().get(0);
    assertThat(v2.getInfo(), equalTo(V2));
    assertThat(v2.getScored(), equalTo(7L));
    assertThat(v2.getCalls(), equalTo(3L));
    assertThat(v2.getLatencyMinMicros(), equalTo(50L));
    assertThat(v2.getLatencyMaxMicros(), equalTo(90L));
    assertThat(v2.getLatencyMeanMicros(), equalTo((50 + 70 + 90) / 3.0));
    assertThat(v2.getCurrentSinceMillis(), equalTo(20L));
    assertThat(r.getLastChange().getKind(), equalTo(ModelSetChange.Kind.REPLACED));
    assertThat(r.getSequence(), equalTo(1L));
  }

  @Test
  void numberedChangesAreTakenOnceAndInOrder() {
    StatusState s = new StatusState();
    assertThat(s.apply(change(ModelSetChange.Kind.ADDED, V1, 10, 0)), equalTo(true));
    assertThat(s.apply(change(ModelSetChange.Kind.REPLACED, V2, 20, 1)), equalTo(true));
    assertThat("a duplicate", s.apply(change(ModelSetChange.Kind.REPLACED, V2, 20, 1)), equalTo(false));
    assertThat("an older one, late", s.apply(change(ModelSetChange.Kind.ADDED, V1, 30, 0)), equalTo(false));
    assertThat(s.current.keySet(), equalTo(java.util.Set.of("u2")));
  }

  @Test
  void anUnnumberedChangeOlderThanTheLastOrChangingNothingIsDropped() {
    StatusState s = new StatusState();
    assertThat(s.apply(change(ModelSetChange.Kind.ADDED, V1, 10, -1)), equalTo(true));
    assertThat(s.apply(change(ModelSetChange.Kind.REPLACED, V2, 20, -1)), equalTo(true));
    assertThat("applied before the last one", s.apply(change(ModelSetChange.Kind.ROLLED_BACK, V1, 15, -1)),
        equalTo(false));
    assertThat("the set as it is", s.apply(change(ModelSetChange.Kind.REPLACED, V2, 25, -1)), equalTo(false));
    assertThat(s.apply(change(ModelSetChange.Kind.ROLLED_BACK, V1, 30, -1)), equalTo(true));
    assertThat(s.report("wine", ModelStatusReport.Trigger.CHANGE, 31).getModels().get(0).getInfo(), equalTo(V1));
  }

  private static ModelSetChange change(ModelSetChange.Kind kind, ModelInfo model, long at, long sequence) {
    return new ModelSetChange("wine", kind, model.getName(), model.getVersion(), model.getUuid(), "current",
        List.of(model), at, sequence);
  }

  private static BatchStats stats(String uuid, long scored, long minMicros, long maxMicros) {
    long calls = minMicros == maxMicros ? 1 : 2;
    return new BatchStats("wine", uuid, scored, scored, 0, calls, minMicros, maxMicros,
        calls == 1 ? minMicros : minMicros + maxMicros);
  }
}

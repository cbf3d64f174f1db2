package dev.modelserving.beam.serving;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.ModelAnswer.Status;
import dev.modelserving.beam.serving.cache.LoadedModel;
import dev.modelserving.beam.serving.cache.ModelCache;
import dev.modelserving.beam.serving.cache.ModelLoad;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The concurrent model calls of speculative policies: a busy model never leaves a batch without an answer. */
class ModelCallsTest {
  private static final List<Features> BATCH = List.of(Features.builder().put("x", 1.0).build());

  @Test
  void withoutAFastModelAModelSkippedAsBusyScoresOnTheCallingThread() {
    ModelCache cache = ModelCache.create(4);
    ServedModel slow = served(cache, PolicyTestSupport.scripted("busy", "7", "label=red;delay=300"));
    ModelCalls calls = new ModelCalls(PolicyExecutor.shared(), 500);

    ModelCalls.Outcome first = calls.run(List.of(slow), BATCH, org.joda.time.Duration.millis(20), -1)[0];
    // nothing else could answer: the late call was waited for past the budget
    assertThat(first.status, is(Status.ANSWERED));

    PolicyExecutor.Call<String> overdue = PolicyExecutor.shared().submit(slow.ref.uuid, () -> {
      Thread.sleep(300);
      return "late";
    });
    overdue.abandon();
    assertThat(PolicyExecutor.shared().isOverdue(slow.ref.uuid), is(true));
    ModelCalls.Outcome second = calls.run(List.of(slow), BATCH, org.joda.time.Duration.millis(20), -1)[0];
    assertThat("skipped as busy, then scored here rather than left unanswered", second.status, is(Status.ANSWERED));
    assertThat(second.scores.output(0).getLabel(), equalTo("red"));
    cache.closeAll();
  }

  @Test
  void anAbandonedCallThatEndsFreesItsModel() throws Exception {
    for (int i = 0; i < 200; i++) {
      String uuid = "race-" + i;
      PolicyExecutor.Call<Integer> call = PolicyExecutor.shared().submit(uuid, () -> 1);
      call.abandon(); // may race the call's end
      try {
        call.future().get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new AssertionError(e);
      }
      assertThat("call " + i + " ended, so its model is not overdue", PolicyExecutor.shared().isOverdue(uuid), is(false));
    }
  }

  private static ServedModel served(ModelCache cache, ModelDescriptor d) {
    ModelLoad load = cache.load(d);
    load.await(Duration.ofSeconds(30));
    LoadedModel model = load.model();
    model.tryAcquire();
    return new ServedModel(ModelRef.of(d), model);
  }
}

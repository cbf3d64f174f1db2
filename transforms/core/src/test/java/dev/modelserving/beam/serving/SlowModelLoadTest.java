package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.ScoredRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A model whose load takes seconds arrives while records flow, in real time on the DirectRunner:
 * records every 5 ms for 6 seconds; a fast model at once, then, 2 seconds later, one whose load
 * takes 3 seconds.
 */
@ExtendWith(TestPipelineExtension.class)
class SlowModelLoadTest {
  private static final long LOAD_MILLIS = 3000;
  /** Records, one every 5 ms. */
  private static final int RECORDS = 1200;
  /** When the slow model was published, in wall-clock milliseconds. */
  private static final AtomicLong SLOW_PUBLISHED = new AtomicLong();

  @Test
  void theOldModelKeepsServingWhileTheNewOneLoadsThenTheNewOneTakesOver(TestPipeline p) {
    var result = serveWhileASlowModelArrives(p, "wr", SwapPolicy.WHEN_READY);

    PAssert.that(result.getScored()).satisfies(scored -> {
      List<ScoredRecord<KV<String, String>>> all = new ArrayList<>();
      scored.forEach(all::add);
      assertThat("records scored", all.size(), greaterThan(RECORDS * 9 / 10));
      long published = SLOW_PUBLISHED.get();
      long servedDuringTheLoad = 0;
      long slowestMillis = 0;
      List<String> lateButOld = new ArrayList<>();
      for (ScoredRecord<KV<String, String>> r : all) {
        long created = createdAt(r);
        boolean bySlow = r.getModelUuid().equals("slow-wr");
        // The slow model cannot serve before its load, which starts after it was published, ends.
        if (r.getServedAtMillis() > published + 300 && r.getServedAtMillis() < published + LOAD_MILLIS) {
          assertThat("a record served while the slow model loaded", bySlow, is(false));
          servedDuringTheLoad++;
        }
        if (created > published + LOAD_MILLIS + 1500 && !bySlow) {
          lateButOld.add(ServingTestSupport.id(r));
        }
        if (created > published - 1000) {
          slowestMillis = Math.max(slowestMillis, r.getServedAtMillis() - created);
        }
      }
      assertThat("records served (by the old model) while the slow model loaded", servedDuringTheLoad, greaterThan(20L));
      assertThat("records created well after the load and still scored by the old model", lateButOld, empty());
      assertThat("the longest a record waited around the swap (ms); the load took " + LOAD_MILLIS,
          slowestMillis, lessThan(LOAD_MILLIS * 2 / 3)); // a pause would be the whole load, 3 s
      return null;
    });
    PAssert.that(result.getScored()).satisfies(BatchingTest.oneModelPerCall());
    PAssert.that(result.getUnserved()).empty();
    PAssert.that(result.getDeadLetters()).empty();
    p.run().waitUntilFinish();
  }

  /** The deterministic alternative: in order, records after the new model wait for its load. */
  @Test
  void inOrderTheRecordsAfterTheNewModelWaitForItsLoad(TestPipeline p) {
    var result = serveWhileASlowModelArrives(p, "io", SwapPolicy.IN_ORDER);

    PAssert.that(result.getScored()).satisfies(scored -> {
      long published = SLOW_PUBLISHED.get();
      long longestWait = 0;
      int count = 0;
      for (ScoredRecord<KV<String, String>> r : scored) {
        count++;
        long created = createdAt(r);
        if (created > published + 500) {
          assertThat("a record created after the slow model arrived", r.getModelUuid(), is("slow-io"));
          longestWait = Math.max(longestWait, r.getServedAtMillis() - created);
        }
      }
      assertThat("records scored", count, greaterThan(RECORDS * 9 / 10));
      assertThat("records after the model waited for its load (ms)", longestWait, greaterThan(LOAD_MILLIS / 2));
      return null;
    });
    PAssert.that(result.getScored()).satisfies(BatchingTest.oneModelPerCall());
    p.run().waitUntilFinish();
  }

  private static ServeModels.Result<KV<String, String>> serveWhileASlowModelArrives(
      TestPipeline p, String tag, SwapPolicy policy) {
    ModelDescriptor fast = linear("wine-linear", "1", "fast-" + tag, "bias=1;x=2;y=-1");
    ModelDescriptor slow = linear("wine-linear", "2", "slow-" + tag, "sleep=" + LOAD_MILLIS + ";bias=0;x=1;y=1")
        .toBuilder().setCreatedAtMillis(fast.getCreatedAtMillis() + 1).build();
    // Real-time sources that end by themselves: the pipeline finishes, so PAssert runs.
    Instant start = Instant.now().plus(Duration.millis(500));
    PCollection<ModelDescriptor> models = p
        .apply("TwoModels", PeriodicImpulse.create().startAt(start).stopAt(start.plus(Duration.millis(2500)))
            .withInterval(Duration.standardSeconds(2)).catchUpToNow(false))
        .apply("Describe", MapElements.into(TypeDescriptor.of(ModelDescriptor.class)).via(at -> {
          if (at.isAfter(start)) {
            SLOW_PUBLISHED.set(System.currentTimeMillis());
            return slow;
          }
          return fast;
        }))
        .setCoder(ModelDescriptorCoder.of());
    PCollection<KV<String, String>> records = p
        .apply("Records", PeriodicImpulse.create().startAt(start).stopAt(start.plus(Duration.millis(RECORDS * 5)))
            .withInterval(Duration.millis(5)).catchUpToNow(false))
        .apply("Stamp", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via(at -> KV.of("wine", "id=r" + at.getMillis() + ";x=" + (at.getMillis() / 5 % 10) + ";y=1;t="
                + System.currentTimeMillis())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    return records.apply(ServingTestSupport.serveModels().withSwapPolicy(policy).withModels(models));
  }

  private static long createdAt(ScoredRecord<KV<String, String>> r) {
    String v = r.getInput().getValue();
    return Long.parseLong(v.substring(v.indexOf(";t=") + 3));
  }
}

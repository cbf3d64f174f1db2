package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.PolicyTestSupport.route;
import static dev.modelserving.beam.serving.PolicyTestSupport.scripted;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import dev.modelserving.beam.serving.ServingTestSupport.Inputs;
import dev.modelserving.beam.serving.policy.ServingPolicies;
import dev.modelserving.beam.status.ModelSetChange;
import dev.modelserving.beam.status.ModelStatusReport;
import dev.modelserving.beam.status.ModelStatusReport.Trigger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The model status stream ({@code ServeModels.Result#getModelStatus()}) through a swap, in keyed
 * mode over several shards (each reports the swap; one report comes out) and in broadcast mode: a
 * report on each change, one every interval, and one when the input ends, with the records each
 * model scored since it became current and its call latencies.
 */
@ExtendWith(TestPipelineExtension.class)
class ModelStatusStreamTest {
  private static final ModelDescriptor V1 = linear("wine-linear", "1", "status-1", "bias=1;x=2;y=-1");
  private static final ModelDescriptor V2 = linear("wine-linear", "2", "status-2", "bias=0;x=1;y=1")
      .toBuilder().setCreatedAtMillis(1_700_000_060_000L).build();
  private static final int BEFORE_SWAP = 12;
  private static final int AFTER_SWAP = 9;

  @Test
  void keyedShardsReportASwapOnceWithTheRecordsEachVersionScored(TestPipeline p) {
    var result = ServingTestSupport.serve(p, swapStream(), ServingTestSupport.serveModels()
        .withShards(3).withStatusInterval(Duration.standardSeconds(30)));
    PAssert.that(result.getModelStatus()).satisfies(swapReported());
    p.run().waitUntilFinish();
  }

  @Test
  void broadcastModeReportsASwapWithTheRecordsEachVersionScored(TestPipeline p) {
    var result = ServingTestSupport.serve(p, swapStream(), ServingTestSupport.serveModels()
        .withMode(ServingMode.BROADCAST).withStatusInterval(Duration.standardSeconds(30)));
    PAssert.that(result.getModelStatus()).satisfies(swapReported());
    p.run().waitUntilFinish();
  }

  /**
   * v1, records, the interval passes, v2, records (one it fails on), the end. A second passes after
   * v2: a shard without records notices a finished load on a processing-time timer.
   */
  private static Arrivals swapStream() {
    List<KV<String, String>> before = records("a", BEFORE_SWAP, "");
    List<KV<String, String>> after = records("b", AFTER_SWAP - 1, "");
    after.add(wine("id=bad;x=1")); // v2 reads y: it fails on this one
    return Arrivals.stream()
        .model(V1).records(before)
        .advanceProcessingTime(Duration.standardSeconds(31))
        .model(V2).advanceProcessingTime(Duration.standardSeconds(1))
        .records(after);
  }

  private static SerializableFunction<Iterable<ModelStatusReport>, Void> swapReported() {
    return all -> {
      List<ModelStatusReport> reports = inOrder(all);
      assertThat("reports are numbered 1, 2, ... " + reports, reports.get(reports.size() - 1).getSequence(),
          equalTo((long) reports.size()));
      List<ModelStatusReport> changes = of(reports, Trigger.CHANGE);
      assertThat("one report per change, whatever the shards: " + changes, changes.size(), equalTo(2));
      assertThat(changes.get(0).getLastChange().getKind(), equalTo(ModelSetChange.Kind.ADDED));
      assertThat(names(changes.get(0)), equalTo(List.of("wine-linear v1")));
      assertThat(changes.get(1).getLastChange().getKind(), equalTo(ModelSetChange.Kind.REPLACED));
      assertThat(changes.get(1).getLastChange().getModelUuid(), equalTo(V2.getUuid()));
      assertThat(names(changes.get(1)), equalTo(List.of("wine-linear v2")));

      // Between the two changes, the interval report: v1 with every record before the swap.
      List<ModelStatusReport> interval = of(reports, Trigger.INTERVAL);
      assertThat("an interval report " + reports, interval.isEmpty(), equalTo(false));
      ModelStatusReport.Model v1 = interval.get(0).getModels().get(0);
      assertThat(interval.get(0).getSequence(), lessThanOrEqualTo(changes.get(1).getSequence()));
      assertThat(v1.getInfo().getUuid(), equalTo(V1.getUuid()));
      assertThat(v1.getScored(), equalTo((long) BEFORE_SWAP));
      assertThat(v1.getWon(), equalTo((long) BEFORE_SWAP));
      checkModel(v1, interval.get(0));

      // The last report, when the input ends: v2 alone, counted from its swap.
      ModelStatusReport last = reports.get(reports.size() - 1);
      assertThat(last.getTrigger(), equalTo(Trigger.INPUT_ENDED));
      assertThat(last.getPolicy(), equalTo("current"));
      assertThat(names(last), equalTo(List.of("wine-linear v2")));
      ModelStatusReport.Model v2 = last.getModels().get(0);
      assertThat(v2.getScored(), equalTo((long) AFTER_SWAP - 1));
      assertThat(v2.getFailed(), equalTo(1L));
      assertThat(v2.getCurrentSinceMillis(), greaterThanOrEqualTo(v1.getCurrentSinceMillis()));
      checkModel(v2, last);
      return null;
    };
  }

  /** Identity, role, load time and latencies of a current model under the current policy. */
  private static void checkModel(ModelStatusReport.Model m, ModelStatusReport report) {
    assertThat(m.getInfo().getFormat(), equalTo(LinearTestFormat.ID));
    assertThat(m.getInfo().getRole(), equalTo("current"));
    assertThat(m.getInfo().getLoadedAtMillis(), greaterThan(0L));
    assertThat(m.getInfo().getLoadedAtMillis(), lessThanOrEqualTo(report.getReportedAtMillis()));
    assertThat(m.getCurrentSinceMillis(), greaterThanOrEqualTo(m.getInfo().getLoadedAtMillis()));
    assertThat(m.getCalls(), greaterThan(0L));
    assertThat((double) m.getLatencyMinMicros(), lessThanOrEqualTo(m.getLatencyMeanMicros()));
    assertThat(m.getLatencyMeanMicros(), lessThanOrEqualTo((double) m.getLatencyMaxMicros()));
  }

  /**
   * Every kind of change is reported once with the set it leaves, in keyed mode over two shards and
   * in broadcast mode: added, replaced, rolled back, added, routed (each model's share as its
   * role), removed.
   */
  @Test
  void everySetOperationIsReportedOnceWithTheRolesItLeaves(TestPipeline p) {
    ModelDescriptor a1 = scripted("a", "1", "value=1");
    ModelDescriptor a2 = scripted("a", "2", "value=2");
    ModelDescriptor b1 = scripted("b", "1", "value=10");
    Inputs in = Inputs.of(p, Arrivals.stream()
        .model(a1).model(a2)
        .model(ModelDescriptors.rollback(ServingTestSupport.WINE, "a", null))
        .model(b1)
        .model(route("a", 90, "b", 10))
        .model(ModelDescriptors.remove(ServingTestSupport.WINE, "b"))
        .records(records("r", 5, "")));
    for (ServingMode mode : ServingMode.values()) {
      var result = in.serve(mode.name(), ServingTestSupport.serveModels().withMode(mode).withShards(2)
          .withPolicy(ServingPolicies.routed()));
      PAssert.that(result.getModelStatus()).satisfies(all -> {
        List<ModelStatusReport> changes = of(inOrder(all), Trigger.CHANGE);
        assertThat(changes.stream().map(r -> r.getLastChange().getKind().label() + " " + r.getLastChange().getModelName()
                + " -> " + roles(r)).collect(Collectors.toList()),
            equalTo(List.of(
                "added a -> [a v1 routed 100%]",
                "replaced a -> [a v2 routed 100%]",
                "rolled-back a -> [a v1 routed 100%]",
                "added b -> [a v1 idle, b v1 routed 100%]",
                "routed  -> [a v1 routed 90%, b v1 routed 10%]",
                "removed b -> [a v1 routed 100%]")));
        for (ModelStatusReport r : changes) {
          assertThat(r.getPolicy(), equalTo("routed"));
        }
        return null;
      });
    }
    p.run().waitUntilFinish();
  }

  private static List<ModelStatusReport> inOrder(Iterable<ModelStatusReport> all) {
    List<ModelStatusReport> reports = StreamSupport.stream(all.spliterator(), false)
        .sorted(Comparator.comparingLong(ModelStatusReport::getSequence)).collect(Collectors.toList());
    assertThat("reports", reports, org.hamcrest.Matchers.not(empty()));
    for (ModelStatusReport r : reports) {
      assertThat(r.getDataType(), equalTo(ServingTestSupport.WINE));
    }
    return reports;
  }

  private static List<ModelStatusReport> of(List<ModelStatusReport> reports, Trigger trigger) {
    List<ModelStatusReport> matching = new ArrayList<>();
    for (ModelStatusReport r : reports) {
      if (r.getTrigger() == trigger) {
        matching.add(r);
      }
    }
    return matching;
  }

  private static List<String> names(ModelStatusReport r) {
    return r.getModels().stream().map(m -> m.getInfo().getName() + " v" + m.getInfo().getVersion())
        .collect(Collectors.toList());
  }

  private static String roles(ModelStatusReport r) {
    return r.getModels().stream().map(m -> m.getInfo().getName() + " v" + m.getInfo().getVersion() + " "
        + m.getInfo().getRole()).collect(Collectors.toList()).toString();
  }

  /** Wine records {@code id=<prefix>0..} with x = their index and y = 1. */
  private static List<KV<String, String>> records(String prefix, int n, String extra) {
    List<KV<String, String>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(wine("id=" + prefix + i + ";x=" + i + ";y=1" + extra));
    }
    return records;
  }
}

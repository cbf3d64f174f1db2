package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.described;
import static dev.modelserving.beam.serving.ServingTestSupport.exactly;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.scored;
import static dev.modelserving.beam.serving.ServingTestSupport.serve;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter.Stage;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import dev.modelserving.beam.serving.ServingTestSupport.Letter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import dev.modelserving.beam.record.ScoredRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Records that arrive before any model: held and scored later, or unserved with a reason. */
@ExtendWith(TestPipelineExtension.class)
class NoModelPolicyTest {
  private static final ModelDescriptor V1 = linear("wine-linear", "1", "uuid-1", "bias=1;x=2;y=-1");

  private static final KV<String, String> EARLY_1 = wine("id=e1;x=1;y=1");
  private static final KV<String, String> EARLY_2 = wine("id=e2;x=2;y=1");
  private static final KV<String, String> EARLY_3 = wine("id=e3;x=3;y=1");
  private static final KV<String, String> LATE = wine("id=l1;x=4;y=1");

  @Test
  void byDefaultEarlyRecordsAreHeldAndScoredWhenTheFirstModelArrives(TestPipeline p) {
    var result = serve(p,
        Arrivals.stream().records(EARLY_1, EARLY_2).records(EARLY_3).model(V1).records(LATE),
        serveModels());

    PAssert.that(described(result.getScored())).containsInAnyOrder(
        scored(EARLY_1, 2.0, V1), scored(EARLY_2, 4.0, V1), scored(EARLY_3, 6.0, V1),
        scored(LATE, 8.0, V1));
    PAssert.that(result.getUnserved()).empty();
    PAssert.that(result.getDeadLetters()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void emitUnservedSendsEarlyRecordsToUnservedAtOnce(TestPipeline p) {
    var result = serve(p,
        Arrivals.stream().records(EARLY_1, EARLY_2).model(V1).records(LATE),
        serveModels().withNoModelPolicy(NoModelPolicy.emitUnserved()));

    PAssert.that(described(result.getScored())).containsInAnyOrder(scored(LATE, 8.0, V1));
    PAssert.that(result.getUnserved()).satisfies(exactly(
        unserved(EARLY_1, "no model has arrived for data type 'wine'"),
        unserved(EARLY_2, "no model has arrived for data type 'wine'")));
    p.run().waitUntilFinish();
  }

  @Test
  void recordsPastTheHoldLimitAreUnserved(TestPipeline p) {
    var result = serve(p,
        Arrivals.stream().records(EARLY_1, EARLY_2).records(EARLY_3).model(V1).records(LATE),
        serveModels().withShards(1).withNoModelPolicy(NoModelPolicy.hold(2, Duration.standardHours(1))));

    PAssert.that(described(result.getScored())).containsInAnyOrder(
        scored(EARLY_1, 2.0, V1), scored(EARLY_2, 4.0, V1), scored(LATE, 8.0, V1));
    PAssert.that(result.getUnserved()).satisfies(exactly(
        unserved(EARLY_3, "2 records are already held (the limit)")));
    p.run().waitUntilFinish();
  }

  @Test
  void heldRecordsAreUnservedWhenTheInputEndsWithoutAModel(TestPipeline p) {
    var result = serve(p,
        Arrivals.stream().records(EARLY_1, EARLY_2),
        serveModels().withNoModelPolicy(NoModelPolicy.hold(10, Duration.standardHours(1))));

    PAssert.that(result.getScored()).empty();
    PAssert.that(result.getUnserved()).satisfies(exactly(
        unserved(EARLY_1, "no model serves data type 'wine': none arrived before the input ended"),
        unserved(EARLY_2, "no model serves data type 'wine': none arrived before the input ended")));
    p.run().waitUntilFinish();
  }

  @Test
  void heldRecordsAreUnservedWhenTheHoldTimeExpires(TestPipeline p) {
    var result = serve(p,
        Arrivals.stream()
            .records(EARLY_1, EARLY_2)
            .advanceProcessingTime(Duration.standardMinutes(2))
            .model(V1)
            .records(LATE),
        serveModels().withNoModelPolicy(NoModelPolicy.hold(10, Duration.standardMinutes(1))));

    PAssert.that(described(result.getScored())).containsInAnyOrder(scored(LATE, 8.0, V1));
    PAssert.that(result.getUnserved()).satisfies(exactly(
        unserved(EARLY_1, "no model arrived for data type 'wine' within PT60S"),
        unserved(EARLY_2, "no model arrived for data type 'wine' within PT60S")));
    p.run().waitUntilFinish();
  }

  @Test
  void releasingHeldRecordsLetsTheWatermarkMoveOn(TestPipeline p) {
    KV<String, String> tooLate = wine("id=t1;x=5;y=1");
    var result = serve(p,
        Arrivals.stream()
            .at(seconds(10)).records(EARLY_1, EARLY_2)
            .at(seconds(20)).model(V1)
            .at(seconds(30)).records(LATE)
            .advanceWatermarkTo(seconds(120))
            .at(seconds(40)).records(tooLate),
        // One shard: the late record's key is the one holding e1 and e2 (TestStream's processing
        // time stands still, so only an event of that key releases them, not its load poll).
        serveModels().withShards(1).withNoModelPolicy(NoModelPolicy.hold(10, Duration.standardHours(1))));

    // Once the held records are scored, nothing may hold the watermark back for the hold time: the
    // first minute's on-time pane closes when the watermark passes it, before the late record.
    PCollection<String> ids = idsPerMinute(result.getScored());
    PAssert.that(ids)
        .inOnTimePane(new IntervalWindow(seconds(0), seconds(60)))
        .containsInAnyOrder("e1,e2,l1");
    PAssert.that(ids)
        .inLatePane(new IntervalWindow(seconds(0), seconds(60)))
        .containsInAnyOrder("t1");
    p.run().waitUntilFinish();
  }

  /** The ids of the scored records in each pane of one-minute windows, sorted and joined. */
  private static PCollection<String> idsPerMinute(PCollection<ScoredRecord<KV<String, String>>> scored) {
    return scored
        .apply(MapElements.into(TypeDescriptors.strings())
            .via(r -> r.getInput().getValue().split(";")[0].substring("id=".length())))
        .apply(Window.<String>into(FixedWindows.of(Duration.standardMinutes(1)))
            .triggering(AfterWatermark.pastEndOfWindow().withLateFirings(AfterPane.elementCountAtLeast(1)))
            .withAllowedLateness(Duration.standardHours(1))
            .discardingFiredPanes())
        .apply(Combine.globally(NoModelPolicyTest::sortedJoined).withoutDefaults());
  }

  private static String sortedJoined(Iterable<String> ids) {
    List<String> sorted = new ArrayList<>();
    ids.forEach(sorted::add);
    sorted.sort(null);
    return String.join(",", sorted);
  }

  private static Instant seconds(long s) {
    return new Instant(s * 1000);
  }

  private static Letter unserved(KV<String, String> record, String reason) {
    return Letter.of(record, Stage.UNSERVED, "wine", reason);
  }
}

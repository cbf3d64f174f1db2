package dev.modelserving.beam.serving;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServingTestSupport.Inputs;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every record ends in exactly one of scored, dead letters or unserved. */
@ExtendWith(TestPipelineExtension.class)
class AccountingTest {

  @Test
  void recordsInEqualScoredPlusDeadLettersPlusUnserved(TestPipeline p) {
    assertThat("the expected outcomes cover every record",
        MixedTraffic.SCORED + MixedTraffic.DEAD_LETTERS + MixedTraffic.UNSERVED,
        equalTo(MixedTraffic.allRecords().size()));
    Inputs inputs = Inputs.of(p, MixedTraffic.arrivals());
    var result = inputs.serve(MixedTraffic.serveModels());

    PAssert.thatSingleton(countAtEnd("In", inputs.records))
        .isEqualTo((long) MixedTraffic.allRecords().size());
    PAssert.thatSingleton(countAtEnd("Scored", result.getScored()))
        .isEqualTo((long) MixedTraffic.SCORED);
    PAssert.thatSingleton(countAtEnd("Dead", result.getDeadLetters()))
        .isEqualTo((long) MixedTraffic.DEAD_LETTERS);
    PAssert.thatSingleton(countAtEnd("Unserved", result.getUnserved()))
        .isEqualTo((long) MixedTraffic.UNSERVED);

    // Not just the counts: each input payload comes out exactly once, across the three outputs.
    PCollection<String> outPayloads = PCollectionList
        .of(result.getScored().apply("ScoredPayload", MapElements.into(TypeDescriptors.strings())
            .via((ScoredRecord<KV<String, String>> r) -> ServingTestSupport.payloadOf(r.getInput()))))
        .and(result.getDeadLetters().apply("DeadPayload", payloads()))
        .and(result.getUnserved().apply("UnservedPayload", payloads()))
        .apply(Flatten.pCollections());
    PAssert.that(outPayloads).containsInAnyOrder(allPayloads());
    p.run().waitUntilFinish();
  }

  /** The number of elements once the input has ended (the stream is unbounded, so it needs a trigger). */
  private static <X> PCollection<Long> countAtEnd(String name, PCollection<X> elements) {
    return elements
        .apply("AtEnd" + name, Window.<X>into(new GlobalWindows())
            .triggering(AfterWatermark.pastEndOfWindow())
            .withAllowedLateness(Duration.ZERO)
            .discardingFiredPanes())
        .apply("Count" + name, Count.globally());
  }

  private static MapElements<DeadLetter, String> payloads() {
    return MapElements.into(TypeDescriptors.strings()).via(DeadLetter::getPayload);
  }

  private static List<String> allPayloads() {
    List<String> payloads = new ArrayList<>();
    MixedTraffic.allRecords().forEach(r -> payloads.add(ServingTestSupport.payloadOf(r)));
    return payloads;
  }
}

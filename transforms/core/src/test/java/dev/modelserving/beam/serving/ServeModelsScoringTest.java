package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.described;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.scored;
import static dev.modelserving.beam.serving.ServingTestSupport.serve;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Records are scored by the model that is current when they arrive. */
@ExtendWith(TestPipelineExtension.class)
class ServeModelsScoringTest {
  private static final ModelDescriptor V1 = linear("wine-linear", "1", "uuid-1", "bias=1;x=2;y=-1");
  private static final ModelDescriptor V2 = linear("wine-linear", "2", "uuid-2", "bias=0;x=1;y=1");

  private static final KV<String, String> R1 = wine("id=r1;x=3;y=1");
  private static final KV<String, String> R2 = wine("id=r2;x=0.5;y=4");
  private static final KV<String, String> R3 = wine("id=r3;x=-2;y=0.25");
  private static final KV<String, String> R4 = wine("id=r4;x=10;y=10");

  @Test
  void recordsAfterAModelAreScoredByIt(TestPipeline p) {
    var result = serve(p, Arrivals.stream().model(V1).records(R1, R2), serveModels());

    PAssert.that(described(result.getScored()))
        .containsInAnyOrder(scored(R1, 6.0, V1), scored(R2, -2.0, V1));
    PAssert.that(result.getDeadLetters()).empty();
    PAssert.that(result.getUnserved()).empty();
    PAssert.that(result.getRejectedModels()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void aNewVersionServesTheRecordsThatArriveAfterIt(TestPipeline p) {
    var result = serve(p,
        Arrivals.stream().model(V1).records(R1, R2).model(V2).records(R3, R4), serveModels());

    PAssert.that(described(result.getScored())).containsInAnyOrder(
        scored(R1, 6.0, V1), scored(R2, -2.0, V1),
        scored(R3, -1.75, V2), scored(R4, 20.0, V2));
    PAssert.that(result.getRejectedModels()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void anOlderModelCanBeServedAgainAfterANewerOne(TestPipeline p) {
    var result = serve(p,
        Arrivals.stream().model(V1).records(R1).model(V2).records(R2).model(V1).records(R3),
        serveModels());

    PAssert.that(described(result.getScored())).containsInAnyOrder(
        scored(R1, 6.0, V1), scored(R2, 4.5, V2), scored(R3, -3.25, V1));
    p.run().waitUntilFinish();
  }

  /** The same, when the previous model is sent again while the newer one is still loading. */
  @Test
  void inOrderAModelSentAgainWhileANewerOneLoadsTakesOverWhereItArrives(TestPipeline p) {
    ModelDescriptor slowV2 = V2.toBuilder().setUuid("uuid-2-slow")
        .setModelBytes(ServingTestSupport.utf8("sleep=600;bias=0;x=1;y=1")).build();
    var result = serve(p,
        Arrivals.stream().model(V1).records(R1).model(slowV2).records(R2).model(V1).records(R3),
        serveModels().withShards(2));

    PAssert.that(described(result.getScored())).containsInAnyOrder(
        scored(R1, 6.0, V1), scored(R2, 4.5, slowV2), scored(R3, -3.25, V1));
    p.run().waitUntilFinish();
  }
}

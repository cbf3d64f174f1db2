package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.described;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.rejected;
import static dev.modelserving.beam.serving.ServingTestSupport.scored;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import dev.modelserving.beam.serving.ServingTestSupport.Inputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Spreading a data type over shards changes nothing in the results. */
@ExtendWith(TestPipelineExtension.class)
class ShardingTest {
  private static final ModelDescriptor V1 = linear("wine-linear", "1", "uuid-1", "bias=1;x=2;y=-1");
  private static final ModelDescriptor V2 = linear("wine-linear", "2", "uuid-2", "bias=0;x=1;y=1");
  private static final ModelDescriptor READS_UNKNOWN_FIELD = linear("wine-linear", "3", "uuid-z", "x=1;z=2");
  private static final ModelDescriptor CORRUPT = linear("wine-linear", "4", "uuid-corrupt", "x=two");

  @Test
  void shardedServingScoresLikeUnshardedAndRejectsAModelOnce(TestPipeline p) {
    List<KV<String, String>> beforeSwap = records(1, 12);
    List<KV<String, String>> afterSwap = records(13, 24);
    List<KV<String, String>> afterRejections = records(25, 36);
    Inputs inputs = Inputs.of(p, Arrivals.stream()
        .model(V1).records(beforeSwap)
        .model(V2).records(afterSwap)
        .model(READS_UNKNOWN_FIELD).model(CORRUPT).records(afterRejections));

    List<String> expected = new ArrayList<>();
    beforeSwap.forEach(r -> expected.add(scored(r, 2.0 * x(r), V1)));
    afterSwap.forEach(r -> expected.add(scored(r, x(r) + 1, V2)));
    afterRejections.forEach(r -> expected.add(scored(r, x(r) + 1, V2)));
    var rejections = rejected(Map.of(
        "uuid-z", List.of("record fields [z]"),
        "uuid-corrupt", List.of("weight of 'x' is not a number")));

    for (int shards : new int[] {1, 4}) {
      var result = inputs.serve("Serve" + shards + "Shards",
          serveModels().withShards(shards).withRecordFields(List.of("id", "x", "y")));
      PAssert.that(described(result.getScored())).containsInAnyOrder(expected);
      PAssert.that(result.getRejectedModels()).satisfies(rejections);
      PAssert.that(result.getDeadLetters()).empty();
      PAssert.that(result.getUnserved()).empty();
    }
    p.run().waitUntilFinish();
  }

  /** Records with ids from..to whose x is the id number and y is 1. */
  private static List<KV<String, String>> records(int from, int to) {
    List<KV<String, String>> records = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      records.add(wine("id=r" + i + ";x=" + i + ";y=1"));
    }
    return records;
  }

  private static double x(KV<String, String> record) {
    return Double.parseDouble(ServingTestSupport.featuresOf(record).get("x").toString());
  }
}

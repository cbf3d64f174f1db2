package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.described;
import static dev.modelserving.beam.serving.ServingTestSupport.exactly;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.rejected;
import static dev.modelserving.beam.serving.ServingTestSupport.scored;
import static dev.modelserving.beam.serving.ServingTestSupport.serve;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import dev.modelserving.beam.serving.ServingTestSupport.Inputs;
import dev.modelserving.beam.serving.ServingTestSupport.Letter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Broadcast mode (models as a side input, no shuffle) gives the results of keyed mode. */
@ExtendWith(TestPipelineExtension.class)
class BroadcastModeTest {
  private static final ModelDescriptor V1 = linear("wine-linear", "1", "bc-1", "bias=1;x=2;y=-1");
  private static final ModelDescriptor V2 = linear("wine-linear", "2", "bc-2", "bias=0;x=1;y=1")
      .toBuilder().setCreatedAtMillis(1_700_000_060_000L).build();
  private static final ModelDescriptor CORRUPT = linear("wine-linear", "3", "bc-corrupt", "x=2;y=oops")
      .toBuilder().setCreatedAtMillis(1_700_000_090_000L).build();
  private static final ModelDescriptor BEER = linear("beer-linear", "1", "bc-beer", "bias=5;x=1")
      .toBuilder().setDataType("beer").build();

  @Test
  void aStreamIsScoredAsInKeyedModeThroughSwapsAndRejections(TestPipeline p) {
    List<KV<String, String>> a = records("wine", "a", 25);
    List<KV<String, String>> beer = records("beer", "b", 5);
    List<KV<String, String>> c = records("wine", "c", 25);
    List<KV<String, String>> d = records("wine", "d", 25);
    Inputs inputs = Inputs.of(p, Arrivals.stream()
        .model(V1).model(BEER).records(a).records(beer)
        .model(V2).records(c)
        .model(CORRUPT).records(d));
    var keyed = inputs.serve("Keyed", serveModels());
    var broadcast = inputs.serve("Broadcast", serveModels().withMode(ServingMode.BROADCAST));

    List<String> expected = new ArrayList<>();
    a.forEach(r -> expected.add(scored(r, 2 * x(r), V1)));
    beer.forEach(r -> expected.add(scored(r, 5 + x(r), BEER)));
    c.forEach(r -> expected.add(scored(r, x(r) + 1, V2)));
    d.forEach(r -> expected.add(scored(r, x(r) + 1, V2)));
    for (ServeModels.Result<KV<String, String>> result : List.of(keyed, broadcast)) {
      PAssert.that(described(result.getScored())).containsInAnyOrder(expected);
      PAssert.that(result.getRejectedModels())
          .satisfies(rejected(Map.of("bc-corrupt", List.of("weight of 'y' is not a number"))));
      PAssert.that(result.getUnserved()).empty();
      PAssert.that(result.getDeadLetters()).empty();
    }
    p.run().waitUntilFinish();
  }

  /**
   * A bounded run whose records are a hundred times the hold limit: keyed mode holds the records
   * that arrive before the model without a limit (the limit guards unbounded streams), broadcast
   * mode never lets them outrun the model; both score every record alike.
   */
  @Test
  void aBoundedRunManyTimesTheHoldLimitIsScoredAlikeInBothModes(TestPipeline p) {
    List<KV<String, String>> records = records("wine", "f", 1000);
    PCollection<KV<String, String>> input = p.apply("Records",
        Create.of(records).withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
    PCollection<ModelDescriptor> models = p.apply("Models", Create.of(V1).withCoder(ModelDescriptorCoder.of()));
    NoModelPolicy holdTen = NoModelPolicy.hold(10, Duration.standardSeconds(1));
    var keyed = input.apply("Keyed", serveModels().withModels(models).withNoModelPolicy(holdTen));
    var broadcast = input.apply("Broadcast",
        serveModels().withModels(models).withNoModelPolicy(holdTen).withMode(ServingMode.BROADCAST));

    List<String> expected = new ArrayList<>();
    records.forEach(r -> expected.add(scored(r, 2 * x(r), V1)));
    for (ServeModels.Result<KV<String, String>> result : List.of(keyed, broadcast)) {
      PAssert.that(described(result.getScored())).containsInAnyOrder(expected);
      PAssert.that(result.getUnserved()).empty();
    }
    p.run().waitUntilFinish();
  }

  @Test
  void withEmitUnservedARecordOfADataTypeWithoutAModelIsUnservedAtOnce(TestPipeline p) {
    KV<String, String> early = wine("id=e1;x=1;y=1");
    KV<String, String> beer = KV.of("beer", "id=b1;x=1;y=1");
    KV<String, String> late = wine("id=l1;x=2;y=1");
    var result = serve(p, Arrivals.stream().records(early).model(V1).records(beer, late),
        serveModels().withMode(ServingMode.BROADCAST).withNoModelPolicy(NoModelPolicy.emitUnserved()));

    PAssert.that(described(result.getScored())).containsInAnyOrder(scored(late, 4.0, V1));
    PAssert.that(result.getUnserved()).satisfies(exactly(
        Letter.of(early, DeadLetter.Stage.UNSERVED, "wine", "no model has arrived for data type 'wine'"),
        Letter.of(beer, DeadLetter.Stage.UNSERVED, "beer", "no model has arrived for data type 'beer'")));
    p.run().waitUntilFinish();
  }

  /** Records of a data type with ids {@code prefix0..} whose x is their index and y is 1. */
  private static List<KV<String, String>> records(String dataType, String prefix, int n) {
    List<KV<String, String>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(KV.of(dataType, "id=" + prefix + i + ";x=" + i + ";y=1"));
    }
    return records;
  }

  private static double x(KV<String, String> record) {
    return Double.parseDouble(ServingTestSupport.featuresOf(record).get("x").toString());
  }
}

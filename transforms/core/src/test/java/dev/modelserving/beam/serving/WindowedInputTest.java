package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.described;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.scored;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A model serves records of later windows too: windowed inputs are served in the global window. */
@ExtendWith(TestPipelineExtension.class)
class WindowedInputTest {
  private static final ModelDescriptor V1 = linear("wine-linear", "1", "uuid-1", "bias=1;x=2;y=-1");
  private static final KV<String, String> LATER = wine("id=r1;x=3;y=1");
  private static final KV<String, String> MUCH_LATER = wine("id=r2;x=0.5;y=4");

  @Test
  void recordsInLaterWindowsAreScoredByAModelFromAnEarlierWindow(TestPipeline p) {
    Window<KV<String, String>> minutes = Window.into(FixedWindows.of(Duration.standardMinutes(1)));
    PCollection<KV<String, String>> records = p
        .apply("Records", Create.timestamped(
                TimestampedValue.of(LATER, new Instant(5 * 60_000)),
                TimestampedValue.of(MUCH_LATER, new Instant(60 * 60_000)))
            .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply("RecordWindows", minutes);
    PCollection<ModelDescriptor> models = p
        .apply("Models", Create.timestamped(TimestampedValue.of(V1, new Instant(0)))
            .withCoder(ModelDescriptorCoder.of()))
        .apply("ModelWindows", Window.into(FixedWindows.of(Duration.standardMinutes(1))));

    ServeModels.Result<KV<String, String>> result = records.apply(serveModels().withModels(models));

    PAssert.that(described(result.getScored()))
        .containsInAnyOrder(scored(LATER, 6.0, V1), scored(MUCH_LATER, -2.0, V1));
    PAssert.that(result.getUnserved()).empty();
    p.run().waitUntilFinish();
  }
}

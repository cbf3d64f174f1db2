package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.described;
import static dev.modelserving.beam.serving.ServingTestSupport.exactly;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.scored;
import static dev.modelserving.beam.serving.ServingTestSupport.serve;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter.Stage;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import dev.modelserving.beam.serving.ServingTestSupport.Letter;
import java.util.Set;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Records that cannot be scored go to the dead letters with the stage, a reason and their payload. */
@ExtendWith(TestPipelineExtension.class)
class DeadLettersTest {
  private static final ModelDescriptor V1 = linear("wine-linear", "1", "uuid-1", "bias=1;x=2;y=-1");

  private static final KV<String, String> GOOD = wine("id=g1;x=1;y=1");
  private static final KV<String, String> TYPE_FN_THROWS = KV.of("throw", "id=d1;x=1;y=1");
  private static final KV<String, String> NO_TYPE = KV.of("none", "id=d2;x=1;y=1");
  private static final KV<String, String> UNKNOWN_TYPE = KV.of("beer", "id=d3;x=1;y=1");
  private static final KV<String, String> MISSING_FEATURE = wine("id=d4;x=1");
  private static final KV<String, String> NON_NUMERIC = wine("id=d5;x=1;y=lots");
  private static final KV<String, String> EXTRACTOR_THROWS = wine("id=d6;x");
  private static final KV<String, String> EXTRACTOR_GIVES_NULL = wine("id=d7;null");

  @Test
  void badRecordsAreDeadLetteredWithStageReasonAndPayload(TestPipeline p) {
    var result = serve(p,
        Arrivals.stream().model(V1).records(GOOD, TYPE_FN_THROWS, NO_TYPE, UNKNOWN_TYPE,
            MISSING_FEATURE, NON_NUMERIC, EXTRACTOR_THROWS, EXTRACTOR_GIVES_NULL),
        serveModels()
            .withDataTypeFn(DeadLettersTest::typeOf)
            .withFeatureExtractor(DeadLettersTest::features)
            .withDataTypes(Set.of("wine")));

    PAssert.that(described(result.getScored())).containsInAnyOrder(scored(GOOD, 2.0, V1));
    PAssert.that(result.getDeadLetters()).satisfies(exactly(
        Letter.of(TYPE_FN_THROWS, Stage.ROUTE, null,
            "cannot determine the record's data type", "type tag is unreadable"),
        Letter.of(NO_TYPE, Stage.ROUTE, null, "the record has no data type"),
        Letter.of(UNKNOWN_TYPE, Stage.ROUTE, "beer", "unknown data type 'beer'", "[wine]"),
        Letter.of(MISSING_FEATURE, Stage.SCORE, "wine", "missing feature 'y'", "uuid-1"),
        Letter.of(NON_NUMERIC, Stage.SCORE, "wine", "feature 'y' must be numeric but is 'lots'"),
        Letter.of(EXTRACTOR_THROWS, Stage.FEATURES, "wine", "cannot extract features", "'x' is not name=value"),
        Letter.of(EXTRACTOR_GIVES_NULL, Stage.FEATURES, "wine", "feature extractor returned null")));
    PAssert.that(result.getUnserved()).empty();
    p.run().waitUntilFinish();
  }

  /** The record's key, except that "throw" fails and "none" gives no data type. */
  private static String typeOf(KV<String, String> record) {
    switch (record.getKey()) {
      case "throw":
        throw new IllegalStateException("type tag is unreadable");
      case "none":
        return null;
      default:
        return record.getKey();
    }
  }

  /** The usual features, except that a record containing "null" gives none. */
  private static Features features(KV<String, String> record) {
    return record.getValue().contains("null") ? null : ServingTestSupport.featuresOf(record);
  }
}

package dev.modelserving.beam.serving;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.is;

import dev.modelserving.beam.serving.cache.ModelCache;
import java.util.ArrayList;
import org.apache.beam.sdk.PipelineResult;

import static dev.modelserving.beam.serving.ServingTestSupport.described;
import static dev.modelserving.beam.serving.ServingTestSupport.descriptor;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.rejected;
import static dev.modelserving.beam.serving.ServingTestSupport.scored;
import static dev.modelserving.beam.serving.ServingTestSupport.serve;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Models that cannot serve are rejected with a reason, and the previous model keeps serving. */
@ExtendWith(TestPipelineExtension.class)
class RejectedModelsTest {
  private static final ModelDescriptor V1 = linear("wine-linear", "1", "uuid-1", "bias=1;x=2;y=-1");

  private static final ModelDescriptor CORRUPT = linear("wine-linear", "2", "uuid-corrupt", "x=2;y=oops");
  private static final ModelDescriptor UNKNOWN_FORMAT =
      descriptor("wine-onnx", "3", "uuid-onnx").setFormat("onnx").setModelBytes(ServingTestSupport.utf8("x=1")).build();
  private static final ModelDescriptor OTHER_DATA_TYPE =
      linear("beer-linear", "4", "uuid-beer", "x=1;y=1").toBuilder().setDataType("beer").build();
  private static final ModelDescriptor NO_DATA_TYPE =
      linear("anon-linear", "5", "uuid-anon", "x=1;y=1").toBuilder().clearDataType().build();
  private static final ModelDescriptor READS_UNKNOWN_FIELD = linear("wine-linear", "6", "uuid-z", "x=1;z=2");
  private static final ModelDescriptor NO_BYTES = descriptor("wine-linear", "7", "uuid-empty").build();

  private static final KV<String, String> R1 = wine("id=r1;x=3;y=1");
  private static final KV<String, String> R2 = wine("id=r2;x=0.5;y=4");
  private static final KV<String, String> R3 = wine("id=r3;x=-2;y=0.25");
  private static final KV<String, String> R4 = wine("id=r4;x=10;y=10");

  @Test
  void aModelCreatedBeforeTheCurrentOneThatArrivesLaterIsNotSwappedIn(TestPipeline p) {
    ModelDescriptor newer = V1.toBuilder().setVersion("9").setUuid("uuid-newer")
        .setCreatedAtMillis(V1.getCreatedAtMillis() + 60_000).build();
    var result = serve(p, Arrivals.stream().model(newer).records(R1).model(V1).records(R2), serveModels());

    PAssert.that(described(result.getScored())).containsInAnyOrder(scored(R1, 6.0, newer), scored(R2, -2.0, newer));
    PAssert.that(result.getRejectedModels()).satisfies(rejected(Map.of("uuid-1", List.of("older than the model"))));
    p.run().waitUntilFinish();
  }

  /**
   * The review found the older-model check skipped when another shard of the worker already had
   * the older model loaded: here the JVM holds it loaded before the pipeline starts, and every one
   * of four shards must still refuse it (reported once).
   */
  @Test
  void anOlderModelIsRefusedOnEveryShardEvenWhenThisJvmHasItLoaded(TestPipeline p) {
    ModelDescriptor older = V1.toBuilder().setUuid("uuid-older-cached").build();
    ModelDescriptor newer = V1.toBuilder().setVersion("9").setUuid("uuid-newer-2")
        .setCreatedAtMillis(V1.getCreatedAtMillis() + 60_000).build();
    assertThat(ModelCache.shared().load(older).await(java.time.Duration.ofSeconds(30)), is(true));
    List<KV<String, String>> after = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      after.add(wine("id=a" + i + ";x=" + i + ";y=1"));
    }
    var result = serve(p, Arrivals.stream().model(newer).records(R1).model(older).records(after),
        serveModels().withShards(4));

    List<String> expected = new ArrayList<>(List.of(scored(R1, 6.0, newer)));
    after.forEach(r -> expected.add(scored(r, 2.0 * Double.parseDouble(r.getValue().split(";")[1].substring(2)), newer)));
    PAssert.that(described(result.getScored())).containsInAnyOrder(expected);
    PAssert.that(result.getRejectedModels())
        .satisfies(rejected(Map.of("uuid-older-cached", List.of("older than the model"))));
    p.run().waitUntilFinish();
  }

  @Test
  void aModelRejectedOnSeveralShardsIsReportedAndCountedOnce(TestPipeline p) {
    var result = serve(p, Arrivals.stream().model(V1).records(R1, R2, R3, R4).model(CORRUPT).records(R1),
        serveModels().withShards(4));

    PAssert.that(result.getRejectedModels())
        .satisfies(rejected(Map.of("uuid-corrupt", List.of("weight of 'y' is not a number: 'oops'"))));
    PipelineResult run = p.run();
    run.waitUntilFinish();
    assertThat(ServingTestSupport.servingCounters(run), hasEntry("wine/model-load-failures", 1L));
  }

  @Test
  void brokenModelsAreRejectedWithTheReasonAndThePreviousModelKeepsServing(TestPipeline p) {
    var result = serve(p,
        Arrivals.stream()
            .model(V1).records(R1)
            .model(CORRUPT).records(R2)
            .model(UNKNOWN_FORMAT).model(OTHER_DATA_TYPE).model(NO_DATA_TYPE).records(R3)
            .model(READS_UNKNOWN_FIELD).model(NO_BYTES).records(R4),
        serveModels().withDataTypes(Set.of("wine")).withRecordFields(List.of("id", "x", "y")));

    PAssert.that(described(result.getScored())).containsInAnyOrder(
        scored(R1, 6.0, V1), scored(R2, -2.0, V1), scored(R3, -3.25, V1), scored(R4, 11.0, V1));
    PAssert.that(result.getRejectedModels()).satisfies(rejected(Map.of(
        "uuid-corrupt", List.of("weight of 'y' is not a number: 'oops'"),
        "uuid-onnx", List.of("unknown model format 'onnx'", "[test-linear, test-scripted]"),
        "uuid-beer", List.of("unknown data type 'beer'", "[wine]"),
        "uuid-anon", List.of("has no data_type"),
        "uuid-z", List.of("record fields [z]", "[id, x, y]"),
        "uuid-empty", List.of("carries no model bytes"))));
    PAssert.that(result.getDeadLetters()).empty();
    PAssert.that(result.getUnserved()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void aModelIsReadFromItsLocation(TestPipeline p, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("wine-linear-1.txt");
    Files.writeString(file, "bias=1;x=2;y=-1", StandardCharsets.UTF_8);
    ModelDescriptor located = descriptor("wine-linear", "1", "uuid-file").setLocation(file.toUri().toString()).build();

    var result = serve(p, Arrivals.stream().model(located).records(R1, R2), serveModels());

    PAssert.that(described(result.getScored()))
        .containsInAnyOrder(scored(R1, 6.0, located), scored(R2, -2.0, located));
    PAssert.that(result.getRejectedModels()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void aModelWhoseLocationCannotBeReadIsRejectedWithThePath(TestPipeline p, @TempDir Path dir) {
    String missing = dir.resolve("no-such-model.txt").toUri().toString();
    ModelDescriptor unreadable = descriptor("wine-linear", "2", "uuid-missing").setLocation(missing).build();

    var result = serve(p,
        Arrivals.stream().model(V1).records(R1).model(unreadable).records(R2), serveModels());

    PAssert.that(described(result.getScored()))
        .containsInAnyOrder(scored(R1, 6.0, V1), scored(R2, -2.0, V1));
    PAssert.that(result.getRejectedModels())
        .satisfies(rejected(Map.of("uuid-missing", List.of("cannot read model", missing))));
    p.run().waitUntilFinish();
  }
}

package dev.modelserving.beam.serving;

import static dev.modelserving.beam.serving.ServingTestSupport.described;
import static dev.modelserving.beam.serving.ServingTestSupport.linear;
import static dev.modelserving.beam.serving.ServingTestSupport.rejected;
import static dev.modelserving.beam.serving.ServingTestSupport.scored;
import static dev.modelserving.beam.serving.ServingTestSupport.serve;
import static dev.modelserving.beam.serving.ServingTestSupport.serveModels;
import static dev.modelserving.beam.serving.ServingTestSupport.utf8;
import static dev.modelserving.beam.serving.ServingTestSupport.wine;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.ModelSignatures;
import dev.modelserving.beam.model.SigningKeys;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.serving.ServingTestSupport.Arrivals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile model messages ({@link ModelGuard}): each is rejected before it is loaded, with the
 * reason, and the model that served before keeps serving the records that arrive after it.
 */
@ExtendWith(TestPipelineExtension.class)
class ModelTrustTest {
  private static final KeyPair KEY_A = SigningKeys.generate();
  private static final KeyPair KEY_B = SigningKeys.generate();
  private static final KeyPair UNTRUSTED = SigningKeys.generate();

  private static final KV<String, String> R1 = wine("id=r1;x=3;y=1");
  private static final KV<String, String> R2 = wine("id=r2;x=0.5;y=4");

  /** Trusts keys "key-a" and "key-b". */
  private static ModelGuard trusting() {
    return ModelGuard.defaults().withTrustedKeys(Map.of(
        "key-a", KEY_A.getPublic().getEncoded(), "key-b", KEY_B.getPublic().getEncoded()));
  }

  private static ModelDescriptor signedV1(String uuid) {
    return ModelSignatures.sign(linear("wine-linear", "1", uuid, "bias=1;x=2;y=-1"), KEY_A.getPrivate(), "key-a");
  }

  private static ModelDescriptor v2(String uuid) {
    return linear("wine-linear", "2", uuid, "bias=0;x=1;y=1").toBuilder().setCreatedAtMillis(1_700_000_060_000L).build();
  }

  /** Serves V1, then R1, then {@code bad}, then R2: both records are scored by V1 and {@code bad} is rejected. */
  private static void assertRejectedWhileV1Serves(TestPipeline p, ModelGuard guard, ModelDescriptor v1,
      ModelDescriptor bad, String... reasonParts) {
    var result = serve(p, Arrivals.stream().model(v1).records(R1).model(bad).records(R2),
        serveModels().withModelGuard(guard));
    PAssert.that(described(result.getScored())).containsInAnyOrder(scored(R1, 6.0, v1), scored(R2, -2.0, v1));
    PAssert.that(result.getRejectedModels()).satisfies(rejected(Map.of(bad.getUuid(), List.of(reasonParts))));
    PAssert.that(result.getDeadLetters()).empty();
    PAssert.that(result.getUnserved()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void anUnsignedModelIsRejectedWhenKeysAreTrusted(TestPipeline p) {
    assertRejectedWhileV1Serves(p, trusting(), signedV1("trust-v1-unsigned"), v2("trust-unsigned"),
        "is not signed", "[key-a, key-b]");
  }

  @Test
  void aModelSignedByAnUnknownKeyIsRejected(TestPipeline p) {
    ModelDescriptor bad = ModelSignatures.sign(v2("trust-unknown-key"), UNTRUSTED.getPrivate(), "key-c");
    assertRejectedWhileV1Serves(p, trusting(), signedV1("trust-v1-unknown"), bad,
        "signed by unknown key 'key-c'", "[key-a, key-b]");
  }

  @Test
  void aModelSignedWithTheWrongKeyUnderATrustedIdIsRejected(TestPipeline p) {
    ModelDescriptor bad = ModelSignatures.sign(v2("trust-wrong-key"), UNTRUSTED.getPrivate(), "key-a");
    assertRejectedWhileV1Serves(p, trusting(), signedV1("trust-v1-wrong"), bad, "bad signature for key 'key-a'");
  }

  @Test
  void aModelWhosePayloadChangedAfterSigningIsRejected(TestPipeline p) {
    ModelDescriptor signed = ModelSignatures.sign(v2("trust-tampered"), KEY_A.getPrivate(), "key-a");
    ModelDescriptor bad = signed.toBuilder().setModelBytes(utf8("bias=100;x=1;y=1")).build();
    assertRejectedWhileV1Serves(p, trusting(), signedV1("trust-v1-tampered"), bad,
        "bad signature for key 'key-a'", "changed after it was signed");
  }

  @Test
  void aModelWhoseMetadataChangedAfterSigningIsRejected(TestPipeline p) {
    ModelDescriptor signed = ModelSignatures.sign(v2("trust-tampered-meta"), KEY_A.getPrivate(), "key-a");
    ModelDescriptor bad = signed.toBuilder().setInputMapping(
        signed.getInputMapping().toBuilder().putFieldByInput("x", "y")).build();
    assertRejectedWhileV1Serves(p, trusting(), signedV1("trust-v1-tampered-meta"), bad,
        "bad signature for key 'key-a'");
  }

  @Test
  void aModelWhoseLocationBytesChangedAfterSigningIsRejected(TestPipeline p, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("wine-linear-2.txt");
    byte[] signedBytes = "bias=0;x=1;y=1".getBytes(StandardCharsets.UTF_8);
    ModelDescriptor located = v2("trust-location").toBuilder().setLocation(file.toUri().toString()).build();
    ModelDescriptor bad = ModelSignatures.sign(located, signedBytes, KEY_A.getPrivate(), "key-a");
    Files.writeString(file, "bias=100;x=1;y=1", StandardCharsets.UTF_8); // replaced at the location after signing
    assertRejectedWhileV1Serves(p, trusting(), signedV1("trust-v1-location"), bad,
        "bad signature for key 'key-a'", "the bytes at its location " + file.toUri());
  }

  @Test
  void aModelSignedByASecondTrustedKeyReplacesTheFirst(TestPipeline p, @TempDir Path dir) throws IOException {
    ModelDescriptor v1 = signedV1("trust-v1-rotation");
    ModelDescriptor v2 = ModelSignatures.sign(v2("trust-rotated"), KEY_B.getPrivate(), "key-b");
    // and by location, signed over the bytes there
    Path file = dir.resolve("wine-linear-3.txt");
    Files.writeString(file, "bias=5;x=0;y=0", StandardCharsets.UTF_8);
    ModelDescriptor v3 = ModelSignatures.sign(linear("wine-linear", "3", "trust-rotated-location", "")
            .toBuilder().clearModelBytes().setLocation(file.toUri().toString())
            .setCreatedAtMillis(1_700_000_120_000L).build(),
        Files.readAllBytes(file), KEY_B.getPrivate(), "key-b");
    var result = serve(p, Arrivals.stream().model(v1).records(R1).model(v2).records(R2).model(v3).records(R1),
        serveModels().withModelGuard(trusting()));
    PAssert.that(described(result.getScored()))
        .containsInAnyOrder(scored(R1, 6.0, v1), scored(R2, 4.5, v2), scored(R1, 5.0, v3));
    PAssert.that(result.getRejectedModels()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void aModelOverTheByteLimitIsRejectedWithTheLimit(TestPipeline p) {
    ModelDescriptor v1 = linear("wine-linear", "1", "limit-v1", "bias=1;x=2;y=-1");
    ModelDescriptor big = v2("limit-oversized").toBuilder()
        .setModelBytes(utf8("bias=0;x=1;y=1" + ";pad=0".repeat(20))).build();
    assertRejectedWhileV1Serves(p, ModelGuard.defaults().withLimits(64, 10, 10, 1 << 20), v1, big,
        big.getModelBytes().size() + " bytes", "over the limit of 64 model bytes");
  }

  @Test
  void anArchiveWithTooManyEntriesIsRejectedWithTheLimit(TestPipeline p, @TempDir Path dir) throws IOException {
    for (int i = 0; i < 12; i++) {
      Files.writeString(dir.resolve("part-" + i), "x");
    }
    ModelDescriptor v1 = linear("wine-linear", "1", "limit-v1-entries", "bias=1;x=2;y=-1");
    ModelDescriptor archive = v2("limit-entries").toBuilder()
        .setModelBytes(com.google.protobuf.ByteString.copyFrom(ModelArchives.zipDirectory(dir))).build();
    assertRejectedWhileV1Serves(p, ModelGuard.defaults().withLimits(1 << 20, 10, 100, 1 << 20), v1, archive,
        "more than the limit of 10 archive entries");
  }

  @Test
  void anArchiveThatUnpacksPastTheLimitIsRejectedWithTheLimit(TestPipeline p, @TempDir Path dir) throws IOException {
    Files.write(dir.resolve("zeros"), new byte[200_000]); // compresses to a few hundred bytes
    ModelDescriptor v1 = linear("wine-linear", "1", "limit-v1-unpacked", "bias=1;x=2;y=-1");
    ModelDescriptor archive = v2("limit-unpacked").toBuilder()
        .setModelBytes(com.google.protobuf.ByteString.copyFrom(ModelArchives.zipDirectory(dir))).build();
    assertRejectedWhileV1Serves(p, ModelGuard.defaults().withLimits(1 << 20, 10, 10, 100_000), v1, archive,
        "more than the limit of 100000 unpacked bytes");
  }

  @Test
  void aModelFromALocationOutsideTheAllowedOnesIsRejected(TestPipeline p, @TempDir Path dir) throws IOException {
    Path allowed = Files.createDirectory(dir.resolve("models"));
    Path elsewhere = dir.resolve("elsewhere.txt");
    Files.writeString(elsewhere, "bias=0;x=1;y=1", StandardCharsets.UTF_8);
    ModelDescriptor v1 = linear("wine-linear", "1", "location-v1", "bias=1;x=2;y=-1");
    ModelDescriptor bad = v2("location-disallowed").toBuilder().setLocation(elsewhere.toUri().toString()).build();
    assertRejectedWhileV1Serves(p,
        ModelGuard.defaults().withAllowedLocations(List.of(allowed.toUri().toString())), v1, bad,
        "not an allowed model location", allowed.toUri().toString());
  }

  @Test
  void aRemoteLocationIsNotReadByDefault(TestPipeline p) {
    ModelDescriptor v1 = linear("wine-linear", "1", "location-v1-remote", "bias=1;x=2;y=-1");
    ModelDescriptor bad = v2("location-remote").toBuilder().setLocation("gs://somebody/models/wine.txt").build();
    assertRejectedWhileV1Serves(p, ModelGuard.defaults(), v1, bad, "not an allowed model location", "[file:]");
  }

  @Test
  void aLocationThatClimbsOutOfAnAllowedPrefixIsRejected(TestPipeline p, @TempDir Path dir) throws IOException {
    Path allowed = Files.createDirectory(dir.resolve("models"));
    Files.writeString(dir.resolve("elsewhere.txt"), "bias=0;x=1;y=1", StandardCharsets.UTF_8);
    ModelDescriptor v1 = linear("wine-linear", "1", "location-v1-climb", "bias=1;x=2;y=-1");
    ModelDescriptor bad = v2("location-climbs").toBuilder()
        .setLocation(allowed.toUri().toString() + "../elsewhere.txt").build();
    assertRejectedWhileV1Serves(p,
        ModelGuard.defaults().withAllowedLocations(List.of(allowed.toUri().toString())), v1, bad,
        "not an allowed model location");
  }

  /** A zip whose entry climbs out of the directory it is unpacked into. */
  static byte[] zipSlip(String escapingName) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
      zip.putNextEntry(new java.util.zip.ZipEntry("saved_model.pb"));
      zip.write(new byte[] {1, 2, 3});
      zip.closeEntry();
      zip.putNextEntry(new java.util.zip.ZipEntry(escapingName));
      zip.write("owned".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }

  @Test
  void aZipSlipArchiveIsRejectedAndNothingIsWrittenOutside(TestPipeline p) throws IOException {
    String name = "zip-slip-" + java.util.UUID.randomUUID() + ".txt";
    Path outside = Path.of(System.getProperty("java.io.tmpdir")).resolve(name);
    ModelDescriptor v1 = linear("wine-linear", "1", "zip-slip-v1", "bias=1;x=2;y=-1");
    ModelDescriptor slip = v2("zip-slip").toBuilder()
        .setModelBytes(com.google.protobuf.ByteString.copyFrom(zipSlip("../" + name))).build();
    assertRejectedWhileV1Serves(p, ModelGuard.defaults(), v1, slip, "zip entry escapes the model directory: ../" + name);
    assertThat(Files.exists(outside), is(false));
    try {
      ModelArchives.unzipToTempDirectory(zipSlip("../" + name), "zip-slip-test-");
      throw new AssertionError("the archive was unpacked");
    } catch (IOException e) {
      assertThat(e.getMessage(), containsString("escapes the model directory"));
    }
    assertThat(Files.exists(outside), is(false));
  }
}

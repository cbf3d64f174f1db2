package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.ModelGuard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link ModelGuard} the serving options describe, with their documented defaults. */
class ModelGuardOptionsTest {
  private static ServingOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(ServingOptions.class);
  }

  @Test
  void theDefaultsCheckNoSignatureReadOnlyFilesAndLimitModels() {
    ModelGuard g = ServingPipeline.modelGuard(options(), false);
    assertThat(g.trustedKeys().isEmpty(), is(true));
    assertThat(g.allowedLocations(), contains("file:"));
    assertThat(g.maxModelBytes(), is(512L << 20));
    assertThat(g.maxArchiveEntries(), is(10_000));
    assertThat(g.maxArchiveFiles(), is(1_000));
    assertThat(g.maxUnpackedBytes(), is(2L << 30));
    assertThat(g.graphOpCheck(), is(true));
    assertThat(g.extraAllowedOps(), empty());
  }

  @Test
  void theOptionsSetKeysLocationsLimitsAndOps(@TempDir Path dir) {
    KeygenCommand.run(new String[] {"--keyId", "k1", "--dir", dir.toString()},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    KeygenCommand.run(new String[] {"--keyId", "k2", "--dir", dir.toString()},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    ModelGuard g = ServingPipeline.modelGuard(options("--trustedKeys=" + dir, "--modelLocations=none",
        "--maxModelBytes=1000", "--maxArchiveEntries=5", "--maxArchiveFiles=4", "--maxUnpackedBytes=2000",
        "--allowedTfOps=RestoreV2,PrintV2"), false);
    assertThat(g.trustedKeys().keySet(), contains("k1", "k2"));
    assertThat(g.allowedLocations(), empty());
    assertThat(g.maxModelBytes(), is(1000L));
    assertThat(g.maxArchiveEntries(), is(5));
    assertThat(g.maxArchiveFiles(), is(4));
    assertThat(g.maxUnpackedBytes(), is(2000L));
    assertThat(g.extraAllowedOps(), contains("PrintV2", "RestoreV2"));
  }

  @Test
  void aMissingTrustedKeyFileIsABadOption(@TempDir Path dir) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServingPipeline.modelGuard(options("--trustedKeys=" + dir.resolve("nope.pub")), false));
    assertThat(e.getMessage(), containsString("--trustedKeys"));
  }

  @Test
  void fileModeAllowsTheLocationsOfItsModelFilesAndChecksNoSignature(@TempDir Path dir) {
    KeygenCommand.run(new String[] {"--keyId", "k1", "--dir", dir.toString()},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    Path model = dir.resolve("m.pmml");
    ModelGuard g = ServingPipeline.modelGuard(options("--trustedKeys=" + dir, "--modelLocations=none",
        "--modelFiles=" + model + ",gs://bucket/models/x.pmml"), true);
    assertThat(g.trustedKeys().isEmpty(), is(true));
    assertThat(g.allowedLocations(), contains(model.toUri().toString(), "gs://bucket/models/x.pmml"));
  }

  @Test
  void theServingTransformOfKafkaModeCarriesTheGuard(@TempDir Path dir) {
    KeygenCommand.run(new String[] {"--keyId", "k1", "--dir", dir.toString()},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    ServingOptions o = options("--trustedKeys=" + dir, "--maxModelBytes=1234", "--allowedTfOps=RestoreV2");
    var serve = ServingPipeline.serveModels(
        dev.modelserving.beam.pipeline.record.RecordSchema.json(java.util.List.of(), "id", "data_type", "wine"), o, false);
    String guard = org.apache.beam.sdk.transforms.display.DisplayData.from(serve).items().stream()
        .filter(item -> item.getKey().equals("modelGuard")).findFirst().orElseThrow().getValue().toString();
    assertThat(guard, containsString("trustedKeys=[k1]"));
    assertThat(guard, containsString("maxModelBytes=1234"));
    assertThat(guard, containsString("extraAllowedOps=[RestoreV2]"));
  }
}

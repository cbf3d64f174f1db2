package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelPublisher#describe}: format inference, payloads, metadata, errors. No Kafka. */
class ModelPublisherDescribeTest {
  @TempDir Path dir;

  private static PublishOptions wine() {
    return new PublishOptions().name("wine-tree").dataType("wine").version("3");
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void pmmlFileIsSentAsItsBytesWithTheMetadata() throws IOException {
    Path pmml = file("tree.pmml", "<PMML version=\"4.4\"/>");
    ModelDescriptor d = ModelPublisher.describe(pmml, wine()
        .description("a tree").uuid("uuid-1").createdAtMillis(1234L));

    assertThat(d.getFormat(), is("pmml"));
    assertThat(d.getPayloadCase(), is(ModelDescriptor.PayloadCase.MODEL_BYTES));
    assertArrayEquals(Files.readAllBytes(pmml), d.getModelBytes().toByteArray());
    assertThat(d.getName(), is("wine-tree"));
    assertThat(d.getDataType(), is("wine"));
    assertThat(d.getVersion(), is("3"));
    assertThat(d.getDescription(), is("a tree"));
    assertThat(d.getUuid(), is("uuid-1"));
    assertThat(d.getCreatedAtMillis(), is(1234L));
  }

  @Test
  void uuidDefaultsToADifferentRandomUuidEachTime() throws IOException {
    Path pmml = file("tree.pmml", "<PMML/>");
    String first = ModelPublisher.describe(pmml, wine()).getUuid();
    String second = ModelPublisher.describe(pmml, wine()).getUuid();
    assertThat(first.length(), is(36));
    assertThat(first, not(equalTo(second)));
  }

  @Test
  void savedModelDirectoryIsZipped() throws IOException {
    Path model = Files.createDirectories(dir.resolve("saved"));
    Files.writeString(model.resolve("saved_model.pb"), "graph");
    Files.createDirectories(model.resolve("variables"));
    Files.writeString(model.resolve("variables/variables.index"), "index");

    ModelDescriptor d = ModelPublisher.describe(model, wine());

    assertThat(d.getFormat(), is("tensorflow-saved-model"));
    byte[] zip = d.getModelBytes().toByteArray();
    assertTrue(ModelArchives.looksLikeZip(zip));
    assertArrayEquals(ModelArchives.zipDirectory(model), zip);
    Path unzipped = ModelArchives.unzipToTempDirectory(zip, "describe-test-");
    try {
      assertThat(Files.readString(unzipped.resolve("variables/variables.index")), is("index"));
      assertThat(Files.readString(unzipped.resolve("saved_model.pb")), is("graph"));
    } finally {
      ModelArchives.deleteRecursively(unzipped);
    }
  }

  @Test
  void zipAndPbFilesAreSentAsTheyAre() throws IOException {
    Path zip = Files.write(dir.resolve("model.ZIP"), new byte[] {'P', 'K', 3, 4, 9});
    Path pb = Files.write(dir.resolve("frozen.pb"), new byte[] {1, 2, 3});

    ModelDescriptor fromZip = ModelPublisher.describe(zip, wine());
    ModelDescriptor fromPb = ModelPublisher.describe(pb, wine());

    assertThat(fromZip.getFormat(), is("tensorflow-saved-model"));
    assertArrayEquals(new byte[] {'P', 'K', 3, 4, 9}, fromZip.getModelBytes().toByteArray());
    assertThat(fromPb.getFormat(), is("tensorflow-frozen-graph"));
    assertArrayEquals(new byte[] {1, 2, 3}, fromPb.getModelBytes().toByteArray());
  }

  @Test
  void explicitFormatOverridesTheFileName() throws IOException {
    Path xml = file("model.xml", "<PMML/>");
    Path pb = Files.write(dir.resolve("graph.pb"), new byte[] {1});

    assertThat(ModelPublisher.describe(xml, wine().format("pmml")).getFormat(), is("pmml"));
    assertThat(ModelPublisher.describe(pb, wine().format("onnx")).getFormat(), is("onnx"));
  }

  @Test
  void unknownExtensionWithoutFormatIsAClearError() throws IOException {
    Path xml = file("model.xml", "<PMML/>");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelPublisher.describe(xml, wine()));
    assertThat(e.getMessage(), containsString("model.xml"));
    assertThat(e.getMessage(), containsString("--format"));
  }

  @Test
  void missingFileIsAClearError() {
    Path missing = dir.resolve("nope.pmml");
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> ModelPublisher.describe(missing, wine()));
    assertThat(e.getMessage(), containsString("nope.pmml"));
    assertThat(e.getMessage(), containsString("not found"));
  }

  @Test
  void emptyFileIsAnError() throws IOException {
    Path empty = file("empty.pmml", "");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelPublisher.describe(empty, wine()));
    assertThat(e.getMessage(), containsString("empty"));
  }

  @Test
  void requiredMetadataIsChecked() throws IOException {
    Path pmml = file("tree.pmml", "<PMML/>");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> ModelPublisher.describe(pmml, new PublishOptions().dataType("wine").version("1"))).getMessage(),
        containsString("--name"));
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> ModelPublisher.describe(pmml, new PublishOptions().name("n").version("1"))).getMessage(),
        containsString("--dataType"));
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> ModelPublisher.describe(pmml, new PublishOptions().name("n").dataType("wine"))).getMessage(),
        containsString("--version"));
  }

  @Test
  void locationOfFileSendsItsUriInsteadOfTheBytes() throws IOException {
    Path pmml = file("tree.pmml", "<PMML/>");
    ModelDescriptor d = ModelPublisher.describe(pmml, wine().locationOfFile());

    assertThat(d.getPayloadCase(), is(ModelDescriptor.PayloadCase.LOCATION));
    assertThat(d.getLocation(), is(pmml.toAbsolutePath().toUri().toString()));
    assertThat(d.getModelBytes().size(), is(0));
    assertThat(d.getFormat(), is("pmml"));
  }

  @Test
  void explicitLocationNeedsNoLocalFileAndInfersTheFormatFromIt() throws IOException {
    ModelDescriptor d = ModelPublisher.describe(null, wine().location("gs://bucket/models/tree.pmml"));
    assertThat(d.getLocation(), is("gs://bucket/models/tree.pmml"));
    assertThat(d.getFormat(), is("pmml"));
  }

  @Test
  void directoryCannotBePublishedByLocation() throws IOException {
    Path model = Files.createDirectories(dir.resolve("saved"));
    Files.writeString(model.resolve("saved_model.pb"), "graph");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelPublisher.describe(model, wine().locationOfFile()));
    assertThat(e.getMessage(), containsString("zip"));
  }

  @Test
  void mappingsAreCarried() throws IOException {
    Path pb = Files.write(dir.resolve("graph.pb"), new byte[] {1});
    ModelDescriptor d = ModelPublisher.describe(pb, wine()
        .inputMapping(Map.of("acidity", "fixed_acidity"))
        .tensorColumns(List.of("alcohol", "pH"))
        .tensorInput("x")
        .signature("predict")
        .outputs(List.of("probabilities"))
        .labels(List.of("bad", "good")));

    assertThat(d.getInputMapping().getFieldByInputMap(), is(Map.of("acidity", "fixed_acidity")));
    assertThat(d.getInputMapping().getTensorColumnsList(), is(List.of("alcohol", "pH")));
    assertThat(d.getInputMapping().getTensorInput(), is("x"));
    assertThat(d.getOutputMapping().getSignature(), is("predict"));
    assertThat(d.getOutputMapping().getOutputsList(), is(List.of("probabilities")));
    assertThat(d.getOutputMapping().getLabelsList(), is(List.of("bad", "good")));
  }

  @Test
  void descriptorSurvivesTheWireFormat() throws Exception {
    Path pmml = file("tree.pmml", "<PMML>" + "x".repeat(1000) + "</PMML>");
    ModelDescriptor d = ModelPublisher.describe(pmml, wine());
    assertThat(ModelDescriptor.parseFrom(d.toByteArray()), is(d));
    assertThat(new String(d.getModelBytes().toByteArray(), StandardCharsets.UTF_8), containsString("<PMML>"));
  }
}

package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument parsing of {@link PublishModelCommand}. No Kafka (see EmbeddedKafkaBrokerTest for a real run). */
class PublishModelCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return PublishModelCommand.run(args,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryOption() {
    assertThat(run("--help"), is(0));
    String help = out.toString(StandardCharsets.UTF_8);
    for (String option : List.of("--bootstrapServers", "--topic", "--file", "--name", "--dataType", "--version",
        "--format", "--uuid", "--description", "--location", "--tensorColumns", "--tensorInput", "--outputs",
        "--signature", "--labels", "--inputMapping", "--help")) {
      assertThat(option, help, containsString(option + " "));
    }
  }

  @Test
  void parsesBothOptionStyles() {
    Map<String, String> o = PublishModelCommand.parse(
        new String[] {"--name", "tree", "--dataType=wine", "--location", "--version", "2"});
    assertThat(o, is(Map.of("name", "tree", "dataType", "wine", "location", "", "version", "2")));
  }

  @Test
  void locationTakesAnOptionalValue() {
    assertThat(PublishModelCommand.parse(new String[] {"--location", "gs://b/m.pmml"}).get("location"),
        is("gs://b/m.pmml"));
    assertThat(PublishModelCommand.parse(new String[] {"--location"}).get("location"), is(""));
  }

  @Test
  void badArgumentsAreRejectedWithExitCode2() {
    assertThat(run("--colour", "red"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("unknown option --colour"));
    assertThrows(IllegalArgumentException.class, () -> PublishModelCommand.parse(new String[] {"--name"}));
    assertThrows(IllegalArgumentException.class, () -> PublishModelCommand.parse(new String[] {"--name", "a", "--name", "b"}));
    assertThrows(IllegalArgumentException.class, () -> PublishModelCommand.parse(new String[] {"tree"}));
  }

  @Test
  void missingRequiredOptionIsNamed() {
    assertThat(run("--topic", "models", "--file", "x.pmml", "--name", "t", "--dataType", "wine", "--version", "1"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("--bootstrapServers is required"));
  }

  @Test
  void missingModelFileIsReportedBeforeConnecting() {
    // the broker address is never contacted: the file check comes first
    assertThat(run("--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--file", dir.resolve("gone.pmml").toString(),
        "--name", "t", "--dataType", "wine", "--version", "1"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("model file not found"));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("gone.pmml"));
  }

  @Test
  void optionsBecomeTheDescriptor() throws Exception {
    Path pb = Files.write(dir.resolve("frozen.pb"), new byte[] {7});
    Map<String, String> o = PublishModelCommand.parse(new String[] {
        "--file", pb.toString(), "--name", "dnn", "--dataType", "wine", "--version", "4", "--uuid", "u-4",
        "--description", "a net", "--tensorColumns", "alcohol, pH,,density", "--tensorInput", "x",
        "--outputs", "y", "--signature", "serving_default", "--labels", "low,high",
        "--inputMapping", "acid=fixed_acidity; sugar = residual_sugar;"});
    ModelDescriptor d = ModelPublisher.describe(pb, PublishModelCommand.toPublishOptions(o));

    assertThat(d.getFormat(), is("tensorflow-frozen-graph"));
    assertThat(d.getUuid(), is("u-4"));
    assertThat(d.getDescription(), is("a net"));
    assertThat(d.getInputMapping().getTensorColumnsList(), is(List.of("alcohol", "pH", "density")));
    assertThat(d.getInputMapping().getTensorInput(), is("x"));
    assertThat(d.getInputMapping().getFieldByInputMap(), is(Map.of("acid", "fixed_acidity", "sugar", "residual_sugar")));
    assertThat(d.getOutputMapping().getOutputsList(), is(List.of("y")));
    assertThat(d.getOutputMapping().getLabelsList(), is(List.of("low", "high")));
    assertThat(d.getOutputMapping().getSignature(), is("serving_default"));
  }

  @Test
  void badInputMappingIsExplained() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PublishModelCommand.inputMapping("acid=fixed_acidity;sugar"));
    assertThat(e.getMessage(), containsString("'sugar'"));
    assertThat(e.getMessage(), containsString("model input=record field"));
  }
}

package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.proto.ModelAction;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Argument parsing and validation of {@link PublishModelCommand}, adds and the --remove and
 * --rollback operations. No Kafka (see EmbeddedKafkaBrokerTest for real runs): the broker address
 * 127.0.0.1:1 is never contacted because validation comes first.
 */
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
        "--signature", "--labels", "--inputMapping", "--help", "--remove", "--rollback")) {
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

  @Test
  void parseTakesTheOptionsItIsGiven() {
    Map<String, String> o = PublishModelCommand.parse(
        new String[] {"--a", "1", "--f", "--o", "--b=2", "-h"}, Set.of("a", "b"), Set.of("f"), Set.of("o"));
    assertThat(o, is(Map.of("a", "1", "f", "", "o", "", "b", "2", "help", "")));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> PublishModelCommand.parse(new String[] {"--remove"}, Set.of("a"), Set.of("f"), Set.of()));
    assertThat(unknown.getMessage(), containsString("unknown option --remove"));
  }

  @Test
  void flagsTakeNoValue() {
    assertThat(PublishModelCommand.parse(new String[] {"--remove", "--name", "t"}).get("remove"), is(""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PublishModelCommand.parse(new String[] {"--remove=yes"}));
    assertThat(e.getMessage(), containsString("option --remove takes no value"));
  }

  @Test
  void removeNamesOnlyDataTypeAndName() throws Exception {
    ModelDescriptor d = PublishModelCommand.descriptor(PublishModelCommand.parse(new String[] {
        "--bootstrapServers", "h:1", "--topic", "models", "--remove", "--dataType", "wine", "--name", "tree"}));

    assertThat(d.getAction(), is(ModelAction.REMOVE));
    assertThat(d.getDataType(), is("wine"));
    assertThat(d.getName(), is("tree"));
    assertThat(d.hasRouting(), is(false));
    assertThat(KafkaTopics.modelKey(d), is("wine/tree"));
  }

  @Test
  void rollbackTakesAnOptionalVersion() throws Exception {
    ModelDescriptor any = PublishModelCommand.descriptor(PublishModelCommand.parse(
        new String[] {"--rollback", "--dataType", "wine", "--name", "tree"}));
    ModelDescriptor toV3 = PublishModelCommand.descriptor(PublishModelCommand.parse(
        new String[] {"--rollback", "--dataType", "wine", "--name", "tree", "--version", "3"}));

    assertThat(any.getAction(), is(ModelAction.ROLLBACK));
    assertThat(any.getVersion(), is(""));
    assertThat(toV3.getAction(), is(ModelAction.ROLLBACK));
    assertThat(toV3.getVersion(), is("3"));
    assertThat(KafkaTopics.modelKey(toV3), is("wine/tree/rollback"));
  }

  @Test
  void removeWithAFileIsAnError() {
    assertThat(run("--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--remove", "--dataType", "wine",
        "--name", "tree", "--file", "tree.pmml"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("option --file does not go with --remove"));
  }

  @Test
  void removeTakesNoVersionButRollbackDoes() {
    assertThat(run("--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--remove", "--dataType", "wine",
        "--name", "tree", "--version", "2"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("option --version does not go with --remove"));
  }

  @Test
  void rollbackWithModelOptionsIsAnError() {
    assertThat(run("--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--rollback", "--dataType", "wine",
        "--name", "tree", "--location", "gs://b/m.pmml"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("option --location does not go with --rollback"));
  }

  @Test
  void removeWithoutANameIsAnError() {
    assertThat(run("--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--remove", "--dataType", "wine"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("option --name is required"));
  }

  @Test
  void rollbackWithoutADataTypeIsAnError() {
    assertThat(run("--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--rollback", "--name", "tree"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("option --dataType is required"));
  }

  @Test
  void removeAndRollbackExcludeEachOther() {
    assertThat(run("--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--remove", "--rollback",
        "--dataType", "wine", "--name", "tree"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("--remove and --rollback exclude each other"));
  }

  @Test
  void operationsStillNeedTheBrokerAndTopic() {
    assertThat(run("--remove", "--dataType", "wine", "--name", "tree"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("--bootstrapServers is required"));
  }

  @Test
  void operationOnADataTypeWithASlashIsRefused() {
    assertThat(run("--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--remove", "--dataType", "red/wine",
        "--name", "tree"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("must not contain '/'"));
  }
}

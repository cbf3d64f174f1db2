package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.proto.ModelAction;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Argument parsing and validation of {@link RouteCommand}. No Kafka (see EmbeddedKafkaBrokerTest
 * for a real run): the broker address 127.0.0.1:1 is never contacted because validation comes first.
 */
class RouteCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return RouteCommand.run(args,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** Runs {@code route} on wine with the given routing options against an address that is never used. */
  private int routeWine(String... routing) {
    String[] args = new String[6 + routing.length];
    System.arraycopy(new String[] {"--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--dataType", "wine"},
        0, args, 0, 6);
    System.arraycopy(routing, 0, args, 6, routing.length);
    return run(args);
  }

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static ModelDescriptor describe(String... args) {
    return RouteCommand.descriptor(RouteCommand.parse(args));
  }

  private static List<String> weights(ModelDescriptor d) {
    return d.getRouting().getWeightsList().stream()
        .map(w -> w.getModel() + "=" + w.getWeight())
        .collect(Collectors.toList());
  }

  @Test
  void helpListsEveryOption() {
    assertThat(run("--help"), is(0));
    String help = out.toString(StandardCharsets.UTF_8);
    for (String option : List.of("--bootstrapServers", "--topic", "--dataType", "--weights", "--active", "--shadows",
        "--clear", "--help")) {
      assertThat(option, help, containsString(option + " "));
    }
  }

  @Test
  void weightsAndShadowsKeepTheirOrder() {
    ModelDescriptor d = describe("--dataType", "wine", "--weights", "tree=90, forest=10,nn=0.5", "--shadows", "nn,x");

    assertThat(d.getAction(), is(ModelAction.ROUTE));
    assertThat(d.getDataType(), is("wine"));
    assertThat(weights(d), is(List.of("tree=90.0", "forest=10.0", "nn=0.5")));
    assertThat(d.getRouting().getShadowsList(), is(List.of("nn", "x")));
    assertThat(KafkaTopics.modelKey(d), is("wine/_routing"));
  }

  @Test
  void activeSendsAllTrafficToOneModel() {
    ModelDescriptor d = describe("--dataType", "wine", "--active", "forest");
    assertThat(weights(d), is(List.of("forest=1.0")));
    assertThat(d.getRouting().getShadowsCount(), is(0));
  }

  @Test
  void shadowsMayComeAlone() {
    ModelDescriptor d = describe("--dataType", "wine", "--shadows", "nn");
    assertThat(d.getRouting().getWeightsCount(), is(0));
    assertThat(d.getRouting().getShadowsList(), is(List.of("nn")));
  }

  @Test
  void clearSendsAnEmptyRouting() {
    ModelDescriptor d = describe("--dataType", "wine", "--clear");
    assertThat(d.getAction(), is(ModelAction.ROUTE));
    assertThat(d.hasRouting(), is(true));
    assertThat(d.getRouting().getWeightsCount(), is(0));
    assertThat(d.getRouting().getShadowsCount(), is(0));
  }

  @Test
  void weightsAndActiveExcludeEachOther() {
    assertThat(routeWine("--weights", "tree=1", "--active", "tree"), is(2));
    assertThat(errors(), containsString("--weights and --active exclude each other"));
  }

  @Test
  void clearGoesWithNoOtherRouting() {
    for (String[] other : List.of(new String[] {"--weights", "a=1"}, new String[] {"--active", "a"},
        new String[] {"--shadows", "a"})) {
      err.reset();
      assertThat(other[0], routeWine("--clear", other[0], other[1]), is(2));
      assertThat(errors(), containsString("--clear sends an empty routing; it does not go with"));
    }
  }

  @Test
  void someRoutingIsRequired() {
    assertThat(routeWine(), is(2));
    assertThat(errors(), containsString("no routing given: use --weights, --active, --shadows or --clear"));
  }

  @Test
  void negativeWeightIsRefused() {
    assertThat(routeWine("--weights", "a=-1"), is(2));
    assertThat(errors(), containsString("bad --weights"));
    assertThat(errors(), containsString("'a'=-1.0"));
  }

  @Test
  void weightThatIsNoNumberIsRefused() {
    assertThat(routeWine("--weights", "tree=90,a=x"), is(2));
    assertThat(errors(), containsString("bad --weights entry 'a=x': weight 'x' is not a number"));
    for (String bad : List.of("a=NaN", "a=Infinity", "a=1d", "a=")) {
      assertThrows(IllegalArgumentException.class, () -> RouteCommand.weights(bad), bad);
    }
  }

  @Test
  void weightsThatSumToZeroAreRefused() {
    assertThat(routeWine("--weights", "a=0,b=0"), is(2));
    assertThat(errors(), containsString("sum to 0"));
  }

  @Test
  void tooLargeWeightIsRefused() {
    assertThat(routeWine("--weights", "a=1e400"), is(2));
    assertThat(errors(), containsString("bad --weights"));
  }

  @Test
  void malformedWeightEntriesAreExplained() {
    IllegalArgumentException noEquals = assertThrows(IllegalArgumentException.class, () -> RouteCommand.weights("a"));
    assertThat(noEquals.getMessage(), containsString("bad --weights entry 'a': expected model=weight"));
    IllegalArgumentException noModel = assertThrows(IllegalArgumentException.class, () -> RouteCommand.weights("=3"));
    assertThat(noModel.getMessage(), containsString("'=3'"));
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> RouteCommand.weights("a=1,a=2"));
    assertThat(twice.getMessage(), containsString("model 'a' is given twice in --weights"));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> RouteCommand.weights(" , "));
    assertThat(none.getMessage(), containsString("--weights names no model"));
  }

  @Test
  void weightsNeedNotSumToAHundred() {
    List<ModelWeight> weights = RouteCommand.weights("a=3,b=1.5");
    assertThat(weights.get(0).getWeight(), is(3.0));
    assertThat(weights.get(1).getWeight(), is(1.5));
  }

  @Test
  void badShadowsAndActiveAreExplained() {
    assertThat(routeWine("--shadows", "nn,nn"), is(2));
    assertThat(errors(), containsString("model 'nn' is given twice in --shadows"));
    err.reset();
    assertThat(routeWine("--active", "a,b"), is(2));
    assertThat(errors(), containsString("--active takes one model name"));
  }

  @Test
  void requiredOptionsAreNamed() {
    assertThat(run("--topic", "models", "--dataType", "wine", "--clear"), is(2));
    assertThat(errors(), containsString("option --bootstrapServers is required"));
    err.reset();
    assertThat(run("--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--clear"), is(2));
    assertThat(errors(), containsString("option --dataType is required"));
    err.reset();
    assertThat(run("--bootstrapServers", "127.0.0.1:1", "--topic", "models", "--dataType", "red/wine", "--clear"), is(2));
    assertThat(errors(), containsString("must not contain '/'"));
  }

  @Test
  void unknownOptionsAndFlagValuesAreRefused() {
    assertThat(routeWine("--name", "tree"), is(2));
    assertThat(errors(), containsString("unknown option --name"));
    err.reset();
    assertThat(routeWine("--clear=yes"), is(2));
    assertThat(errors(), containsString("option --clear takes no value"));
    err.reset();
    assertThat(routeWine("--weights"), is(2));
    assertThat(errors(), containsString("option --weights needs a value"));
  }
}

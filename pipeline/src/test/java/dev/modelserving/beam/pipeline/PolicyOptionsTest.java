package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.serving.policy.BestConfidencePolicy;
import dev.modelserving.beam.serving.policy.ConsensusPolicy;
import dev.modelserving.beam.serving.policy.CurrentModelPolicy;
import dev.modelserving.beam.serving.policy.RoutedPolicy;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import dev.modelserving.beam.serving.policy.SpeculativePolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The policy options: which policies they make, and the errors that name the option. */
class PolicyOptionsTest {

  @Test
  void theDefaultIsTheCurrentModelForEveryDataType() {
    PolicyOptions p = policies();
    assertThat(p.defaultPolicy(), instanceOf(CurrentModelPolicy.class));
    assertEquals(PolicyOptions.CURRENT, p.nameFor("wine"));
    assertEquals(0, p.byDataType().size());
  }

  @Test
  void speculativeTakesItsBudgetFastModelAndPreferenceOrder() {
    ServingPolicy p = policies("--policy=speculative", "--latencyBudgetMillis=20", "--fastModel=wine-linear",
        "--preferModels=wine-forest,wine-mlp").defaultPolicy();
    assertThat(p, instanceOf(SpeculativePolicy.class));
    assertEquals("speculative within 20 ms, fast model 'wine-linear', preferring [wine-forest, wine-mlp]", p.toString());
  }

  @Test
  void consensusTakesTheMeanABudgetAndItsVoters() {
    ServingPolicy p = policies("--policy=consensus", "--consensusRegression=mean", "--latencyBudgetMillis=50",
        "--fastModel=wine-linear", "--preferModels=wine-tree,wine-forest").defaultPolicy();
    assertThat(p, instanceOf(ConsensusPolicy.class));
    assertEquals("consensus (mean for regression) within 50 ms, fast model 'wine-linear' among [wine-tree, wine-forest]",
        p.toString());
    assertEquals("consensus (median for regression)", policies("--policy=consensus").defaultPolicy().toString());
  }

  @Test
  void bestConfidenceTakesItsMinimum() {
    ServingPolicy p = policies("--policy=best-confidence", "--minConfidence=0.9").defaultPolicy();
    assertThat(p, instanceOf(BestConfidencePolicy.class));
    assertEquals(0.9, ((BestConfidencePolicy) p).minConfidence(), 0.0);
    assertEquals(0.7, ((BestConfidencePolicy) policies("--policy=best-confidence").defaultPolicy()).minConfidence(),
        0.0);
  }

  @Test
  void routedTakesItsDefaultRoutingFromWeightsAndShadows() {
    ServingPolicy p = policies("--policy=routed", "--routeWeights=wine-tree=90, wine-forest=10",
        "--shadowModels=wine-mlp", "--shadowTolerance=0.5").defaultPolicy();
    assertThat(p, instanceOf(RoutedPolicy.class));
    assertEquals("routed (default weights {wine-tree=90.0, wine-forest=10.0}, shadows [wine-mlp])", p.toString());
  }

  @Test
  void policiesOverrideThePolicyOfSingleDataTypes() {
    PolicyOptions p = policies("--policy=consensus", "--policies=wine:speculative, beer:routed",
        "--latencyBudgetMillis=10", "--fastModel=fast");
    assertThat(p.defaultPolicy(), instanceOf(ConsensusPolicy.class));
    assertThat(p.policyFor("wine"), instanceOf(SpeculativePolicy.class));
    assertThat(p.policyFor("beer"), instanceOf(RoutedPolicy.class));
    assertThat(p.policyFor("cider"), instanceOf(ConsensusPolicy.class));
    assertEquals(PolicyOptions.ROUTED, p.nameFor("beer"));
    assertEquals(List.of("wine", "beer"), List.copyOf(p.byDataType().keySet()));
  }

  @Test
  void inFileModeTheModelsAreConsultedInTheOrderOfTheFiles() {
    ServingPolicy p = PolicyOptions.from(options("--policy=consensus"), List.of("wine-tree", "wine-forest"))
        .defaultPolicy();
    assertEquals("consensus (median for regression) among [wine-tree, wine-forest]", p.toString());
    ServingPolicy preferred = PolicyOptions.from(options("--policy=consensus", "--preferModels=wine-forest"),
        List.of("wine-tree", "wine-forest")).defaultPolicy();
    assertEquals("consensus (median for regression) among [wine-forest]", preferred.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "--policy=fastest                                          | --policy must be one of current, speculative, consensus, best-confidence, routed; was 'fastest'",
      "--policy=speculative                                      | --policy=speculative needs --latencyBudgetMillis",
      "--policy=speculative --latencyBudgetMillis=20             | --latencyBudgetMillis needs --fastModel",
      "--policy=speculative --fastModel=wine-linear              | --fastModel needs --latencyBudgetMillis",
      "--policies=wine:speculative                               | --policies=wine:speculative needs --latencyBudgetMillis",
      "--policy=consensus --latencyBudgetMillis=-1               | --latencyBudgetMillis must not be negative",
      "--policies=wine                                           | bad --policies entry 'wine': expected dataType:policy",
      "--policies=wine:best                                      | --policies: the policy of data type 'wine' must be one of",
      "--policies=wine:routed,wine:consensus                     | --policies gives data type 'wine' twice",
      "--dataTypes=wine --policies=beer:routed                   | --policies names data type 'beer', which --dataTypes does not serve [wine]",
      "--policy=consensus --consensusRegression=mode             | --consensusRegression must be 'median' or 'mean', was 'mode'",
      "--policy=best-confidence --minConfidence=1.5              | --minConfidence must be between 0 and 1, was 1.5",
      "--policy=routed --shadowTolerance=-0.1                    | --shadowTolerance must not be negative",
      "--policy=routed --routeWeights=wine-tree                  | bad --routeWeights entry 'wine-tree': expected model=weight",
      "--policy=routed --routeWeights=a=x                        | bad --routeWeights entry 'a=x': the weight 'x' is not a number",
      "--policy=routed --routeWeights=a=-1,b=2                   | bad --routeWeights entry 'a=-1': a weight must not be negative",
      "--policy=routed --routeWeights=a=0,b=0                    | --routeWeights must give some model a weight above 0",
      "--policy=routed --routeWeights=a=1,a=2                    | --routeWeights gives model 'a' twice",
      "--policy=routed --routeWeights=a=1 --shadowModels=a       | model 'a' is both weighted in --routeWeights and a shadow",
      "--policy=consensus --routeWeights=a=1                     | --routeWeights is used by the routed policies only, but the policy is 'consensus'",
      "--shadowModels=b                                          | --shadowModels is used by the routed policies only, but the policy is 'current'",
      "--policy=routed --preferModels=a                          | --preferModels is used by the speculative, consensus and best-confidence policies only",
      "--policy=routed --policies=wine:current --fastModel=a --latencyBudgetMillis=3 | --latencyBudgetMillis is used by the speculative, consensus and best-confidence policies only, but the policies are [routed, current]",
      "--policy=consensus --preferModels=a,b,a                   | --preferModels names a model twice",
  })
  void aWrongOrMissingOptionFailsNamingIt(String args, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> policies(args.trim().split("\\s+")));
    assertThat(e.getMessage(), containsString(message.trim()));
  }

  @Test
  void inFileModeAnOptionNamingNoModelFileFails() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyOptions.from(
        options("--policy=speculative", "--latencyBudgetMillis=5", "--fastModel=wine-linear"),
        List.of("wine-tree", "wine-forest")));
    assertThat(e.getMessage(), containsString("--fastModel names model 'wine-linear', which is none of the --modelFiles"));
    e = assertThrows(IllegalArgumentException.class, () -> PolicyOptions.from(options("--policy=routed"),
        List.of("wine-tree", "wine-forest")));
    assertThat(e.getMessage(), containsString("--policy=routed with several --modelFiles needs --routeWeights"));
  }

  @Test
  void serveRefusesABadPolicyOptionWithOneLineAndStatus2() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = ServingMain.serve(new String[] {"--policy=speculative", "--fastModel=wine-linear"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, status);
    assertEquals("serve: --fastModel needs --latencyBudgetMillis: the fast model is the one always waited for when"
        + " the budget expires", err.toString(StandardCharsets.UTF_8).trim());
  }

  @Test
  void serveRefusesASecondModelFileUnderTheCurrentPolicyButTakesItUnderConsensus() {
    String[] files = {"--inputFile=in.csv", "--modelFiles=a/wine-tree.pmml,b/wine-forest.pmml"};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServingMain.parse(files));
    assertThat(e.getMessage(), containsString("file mode serves one model per data type under the 'current' policy"));
    ServingMain.parse(new String[] {files[0], files[1], "--policy=consensus"});
    e = assertThrows(IllegalArgumentException.class, () -> ServingMain.parse(
        new String[] {"--inputFile=in.csv", "--modelFiles=a/wine-tree.pmml,b/wine-tree.pmml", "--policy=consensus"}));
    assertThat(e.getMessage(), containsString("two --modelFiles are named 'wine-tree'"));
  }

  private static PolicyOptions policies(String... args) {
    return PolicyOptions.from(options(args));
  }

  private static ServingOptions options(String... args) {
    PipelineOptionsFactory.register(ServingOptions.class);
    return PipelineOptionsFactory.fromArgs(args).withValidation().as(ServingOptions.class);
  }
}

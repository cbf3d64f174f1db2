package dev.modelserving.beam.pipeline.demo;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.pipeline.OptionChecks;
import dev.modelserving.beam.pipeline.PolicyOptions;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.training.TrainingOptions;
import dev.modelserving.beam.serving.policy.SpeculativePolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/**
 * The demo modes: their settings, the canary's routing steps, the training mode's pipeline and
 * records, and what the console prints of traces.
 */
class DemoModesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** --kafkaSecurity=sasl-plain: the demo's clients log in with a properties file only its user can read. */
  @Test
  void theSaslDemoWritesItsClientSettingsToAFileOnlyItsUserCanRead() throws Exception {
    assertEquals(true, DemoMain.saslPlain("SASL-plain"));
    assertEquals(false, DemoMain.saslPlain("plaintext"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> DemoMain.saslPlain("tls")).getMessage(),
        containsString("--kafkaSecurity must be 'plaintext' or 'sasl-plain', not 'tls'"));

    Path file = DemoClientProperties.write(Map.of("security.protocol", "SASL_PLAINTEXT",
        "sasl.jaas.config", "x required username=\"demo\" password=\"p\";"));
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(file.getParent())));
    DemoOptions o = options("--kafkaPropertiesFile=" + file);
    assertEquals(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.jaas.config",
        "x required username=\"demo\" password=\"p\";"),
        KafkaClientConfig.from(o).adminSettings());
  }

  @Test
  void theSpeculativeModeServesTheFastAndTheSlowModelWithinABudgetUnlessTheCommandLineSaysOtherwise() {
    String[] args = {"--demoMode=speculative", "--latencyBudgetMillis=50"};
    DemoOptions o = options(args);
    DemoMode mode = DemoMode.of(o.getDemoMode());
    mode.applyDefaults(o, args);
    OptionChecks.check(o);

    assertEquals(DemoMode.SPECULATIVE, mode);
    assertEquals(PolicyOptions.SPECULATIVE, o.getPolicy());
    assertEquals(50, o.getLatencyBudgetMillis());
    assertEquals(SpeculativeScenario.FAST, o.getFastModel());
    assertEquals(20, o.getMinBatchSize());
    assertEquals(100, o.getRecordsPerSecond(), 0.0);
    SpeculativePolicy policy = (SpeculativePolicy) PolicyOptions.from(o).defaultPolicy();
    assertEquals("speculative within 50 ms, fast model 'wine-linear', preferring [wine-forest]", policy.toString());
    assertEquals(20, mode.printEvery(o));
  }

  @Test
  void theCanaryModeRoutesAndItsWeightsArePercentages() {
    String[] args = {"--demoMode=canary", "--recordsPerSecond=5"};
    DemoOptions o = options(args);
    DemoMode.of(o.getDemoMode()).applyDefaults(o, args);
    assertEquals(PolicyOptions.ROUTED, o.getPolicy());
    assertEquals(5, o.getRecordsPerSecond(), 0.0);

    assertEquals(List.of(10.0, 50.0, 100.0), CanaryScenario.weights("10, 50,100"));
    assertEquals("weights {wine-linear=90.0, wine-mlp=10.0}, shadows []",
        dev.modelserving.beam.model.ModelDescriptors.describe(CanaryScenario.routing(10)));
    assertThat(assertThrows(IllegalArgumentException.class, () -> CanaryScenario.weights("10,150")).getMessage(),
        containsString("--canaryWeights takes percentages from 0 to 100, was 150"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> CanaryScenario.weights(" ")).getMessage(),
        containsString("--canaryWeights needs at least one percentage"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> DemoMode.of("blue-green")).getMessage(),
        containsString("--demoMode must be 'cycle', 'speculative', 'canary' or 'training', was 'blue-green'"));
  }

  @Test
  void theTrainingModeServesWhatTrainingPublishesAndPrintsAccuracyEveryFewSecondsUnlessTheCommandLineSaysOtherwise() {
    String[] args = {"--demoMode= Training ", "--recordsPerSecond=150"};
    DemoOptions o = options(args);
    DemoMode mode = DemoMode.of(o.getDemoMode());
    mode.applyDefaults(o, args);
    OptionChecks.check(o);

    assertEquals(DemoMode.TRAINING, mode);
    assertEquals(PolicyOptions.CURRENT, o.getPolicy()); // the newest version of wine-sgd serves
    assertEquals(150, o.getRecordsPerSecond(), 0.0);
    assertEquals(5, o.getModelIntervalSeconds());
    assertEquals(1000, o.getBadRecordEvery());
    assertEquals("unserved", o.getNoModelPolicy());
    assertEquals(6000, o.getDriftAfter());
    assertEquals(1000, mode.printEvery(o));
    assertEquals(false, mode.printsUnserved());
    assertEquals(false, mode.talliesDecisions());
    assertEquals(false, mode.printsModelCounters());

    String[] given = {"--demoMode=training", "--modelIntervalSeconds=2", "--noModelPolicy=hold", "--driftAfter=0",
        "--badRecordEvery=25"};
    DemoOptions g = options(given);
    DemoMode.of(g.getDemoMode()).applyDefaults(g, given);
    assertEquals(100, g.getRecordsPerSecond(), 0.0);
    assertEquals(2, g.getModelIntervalSeconds());
    assertEquals("hold", g.getNoModelPolicy());
    assertEquals(0, g.getDriftAfter());
    assertEquals(25, g.getBadRecordEvery());
  }

  @Test
  void theDemosTrainingPipelineReadsTheDemosTopicsWithItsOwnGroupAndStartsFromZero() {
    DemoOptions o = options("--demoMode=training", "--bootstrapServers=127.0.0.1:19092", "--dataTopic=d",
        "--modelTopic=m", "--consumerProperties=max.poll.records=100");
    TrainingOptions t = TrainingScenario.trainingOptions(o);

    assertEquals("127.0.0.1:19092", t.getBootstrapServers());
    assertEquals("d", t.getDataTopic());
    assertEquals("m", t.getModelTopic());
    assertEquals("demo-training", t.getConsumerGroup());
    assertEquals("training-dead-letters", t.getDeadLetterTopic());
    assertEquals("none", t.getStartFrom());
    assertEquals(50, t.getMiniBatchSize());
    assertEquals("wine-sgd", t.getModelName());
    assertEquals("max.poll.records=100", t.getConsumerProperties());
    assertEquals("DirectRunner", t.getRunner().getSimpleName());
    assertEquals("model-serving", o.getConsumerGroup()); // the serving side keeps its own
  }

  @Test
  void theTrainingModePublishesGeneratedWinesWithTheirQualityAndTheOtherModesTheTestDataSet() throws Exception {
    String first = DemoMode.TRAINING.records(options(), Path.of("no-such-dir")).get();
    assertThat(first, org.hamcrest.Matchers.startsWith("w-000001,wine,"));
    assertEquals(15, first.split(",").length); // id, data type, wine type, 11 features, quality

    Path dir = Files.createTempDirectory("demo-records");
    Files.writeString(dir.resolve("wine.csv"), "id,quality\nw-1,5\nw-2,6\n");
    java.util.function.Supplier<String> looping = DemoMode.CYCLE.records(options(), dir);
    assertEquals(List.of("w-1,5", "w-2,6", "w-1,5"), List.of(looping.get(), looping.get(), looping.get()));
  }

  @Test
  void theCycleModeKeepsTheCurrentPolicy() {
    String[] args = {};
    DemoOptions o = options(args);
    DemoMode mode = DemoMode.of(o.getDemoMode());
    mode.applyDefaults(o, args);
    assertEquals(DemoMode.CYCLE, mode);
    assertEquals(PolicyOptions.CURRENT, o.getPolicy());
    assertEquals(1, mode.printEvery(o));
    assertEquals(true, mode.printsUnserved());
    assertEquals(true, mode.printsModelCounters());
    assertEquals("hold", o.getNoModelPolicy()); // records wait for the first model, as before
  }

  @Test
  void theConsoleShowsEachConsultedModelsOutcomeAndNothingForTheCurrentModel() throws Exception {
    assertEquals("  speculative/fast: wine-forest timed out, wine-linear 85 µs", ConsolePrinter.trace(speculative()));
    assertEquals("", ConsolePrinter.trace(JSON.readTree("{\"decision\":\"current\",\"trace\":{\"models\":"
        + "[{\"name\":\"wine-tree\",\"status\":\"ANSWERED\",\"latencyMicros\":12}]}}")));
  }

  @Test
  void theTallyCountsWinsTimeoutsAndShadowsPerModelAndStartsAgain() throws Exception {
    DecisionTally tally = new DecisionTally();
    tally.add(speculative());
    tally.add(speculative());
    tally.addComparison(JSON.readTree("{\"agree\":true,\"shadow\":{\"name\":\"wine-mlp\",\"version\":\"2\"}}"));

    String first = print(tally);
    assertThat(first, containsString("2 records (speculative/fast 2)"));
    assertThat(first, containsString("wine-forest v1"));
    assertThat(first.replaceAll(" +", " "), containsString("wine-forest v1 0 0.0% 0 2 0 0 -"));
    assertThat(first.replaceAll(" +", " "), containsString("wine-linear v1 2 100.0% 0 0 0 0 85 µs"));
    assertThat(first, containsString("shadow: agreed 1, disagreed 0"));
    assertThat(print(tally), containsString("no record scored yet"));
  }

  private static JsonNode speculative() throws Exception {
    return JSON.readTree("{\"decision\":\"speculative/fast\",\"trace\":{\"winner\":\"wine-linear\",\"models\":["
        + "{\"name\":\"wine-forest\",\"version\":\"1\",\"role\":\"model\",\"status\":\"TIMED_OUT\",\"latencyMicros\":1000},"
        + "{\"name\":\"wine-linear\",\"version\":\"1\",\"role\":\"fast\",\"status\":\"ANSWERED\",\"latencyMicros\":85}]}}");
  }

  private static String print(DecisionTally tally) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    tally.printAndReset(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static DemoOptions options(String... args) {
    PipelineOptionsFactory.register(DemoOptions.class);
    return PipelineOptionsFactory.fromArgs(args).withValidation().as(DemoOptions.class);
  }
}

package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code serve} command as {@code main} runs it: exit status, printed report, help and option errors. */
class ServingMainTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir"));
  private static final Pattern BALANCE =
      Pattern.compile("records in (\\d+) = scored (\\d+) \\+ review (\\d+) \\+ dead-lettered (\\d+) \\+ unserved (\\d+)(.*)");

  @TempDir Path dir;

  /**
   * The reported bug: a file run on Flink wrote every result, then failed with "MiniCluster is not
   * yet running or has already been shut down" when it asked the detached job how it ended.
   */
  @Test
  @Timeout(300)
  void aFileRunOnFlinkEndsAttachedWithItsStateAndBalancedCounters() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(TESTDATA.resolve("wine.csv"), StandardCharsets.UTF_8)
        .subList(0, 501)); // header + 500 rows
    Set<String> ids = new HashSet<>();
    lines.subList(1, lines.size()).forEach(l -> ids.add(l.substring(0, l.indexOf(','))));
    lines.add("bad-1,wine,red,7.4,0.7");                                             // too few columns
    lines.add("bad-2,wine,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,lots,5");  // text for a number
    Path input = Files.write(dir.resolve("wines.csv"), lines, StandardCharsets.UTF_8);
    Path scored = dir.resolve("scored.jsonl");
    Path deadLetters = dir.resolve("dead-letters.jsonl");

    Command run = serve("--runner=FlinkRunner", "--inputFile=" + input,
        "--modelFiles=" + TESTDATA.resolve("models/wine-tree.pmml"),
        "--outputFile=" + scored, "--deadLetterFile=" + deadLetters);

    assertEquals(0, run.status, run.err);
    assertThat(run.outLines(), hasItem("== Pipeline DONE"));
    assertThat(run.out, containsString("== Serving metrics (model-serving)"));
    assertThat(run.outLines(), hasItem(matchesPattern("\\s+wine/received\\s+501")));
    assertThat(run.outLines(), hasItem(matchesPattern("\\s+unknown/received\\s+1"))); // the unparseable row
    assertThat(run.outLines(), hasItem(matchesPattern("\\s+wine/scored\\s+500")));
    Matcher balance = BALANCE.matcher(run.out);
    assertTrue(balance.find(), run.out);
    assertEquals(List.of("502", "500", "0", "2", "0", ""), List.of(balance.group(1), balance.group(2),
        balance.group(3), balance.group(4), balance.group(5), balance.group(6)));

    List<String> scoredLines = Files.readAllLines(scored, StandardCharsets.UTF_8);
    Set<String> scoredIds = new HashSet<>();
    for (String line : scoredLines) {
      JsonNode n = JSON.readTree(line);
      scoredIds.add(n.path("id").asText());
      assertFalse(n.path("result").path("label").asText().isEmpty(), line);
    }
    assertEquals(500, scoredLines.size());
    assertEquals(ids, scoredIds);
    List<String> failures = Files.readAllLines(deadLetters, StandardCharsets.UTF_8);
    assertEquals(2, failures.size());
    failures.forEach(f -> assertThat(f, containsString("\"kind\":\"dead-letter\"")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--inputFile=wine.csv --modelFiles=wine.pmml          | true",
      "--maxRecords=100 --maxModels=2                       | true",
      "--maxRecords=100                                     | false",
      "--bootstrapServers=127.0.0.1:9092                    | false",
      "--inputFile=wine.csv --modelFiles=wine.pmml --attachedMode=false | false",
      "--attachedMode=true                                  | true"})
  void onFlinkABoundedInputRunsAttachedAndAnUnboundedOneDetached(String args, boolean attached) {
    List<String> all = new ArrayList<>(List.of("--runner=FlinkRunner"));
    all.addAll(List.of(args.trim().split("\\s+")));
    ServingOptions options = ServingMain.parse(all.toArray(new String[0]));
    assertEquals(attached, options.as(FlinkPipelineOptions.class).getAttachedMode());
  }

  @Test
  void onFlinkNetworkBuffersLeaveWithinHalfTheBatchWaitAndChainedStepsSkipTheCopy() {
    assumeTrue(System.getenv("FLINK_CONF_DIR") == null, "FLINK_CONF_DIR is set: the user's configuration wins");
    FlinkPipelineOptions flink = ServingMain.parse(new String[] {"--runner=FlinkRunner", "--maxBatchWaitMillis=30"})
        .as(FlinkPipelineOptions.class);

    assertTrue(flink.getFasterCopy());
    Configuration conf = GlobalConfiguration.loadConfiguration(flink.getFlinkConfDir());
    assertEquals(java.time.Duration.ofMillis(15), conf.get(ExecutionOptions.BUFFER_TIMEOUT));
  }

  @Test
  void exactlyOnceOutputOnFlinkNeedsCheckpoints() {
    FlinkPipelineOptions withDefaults = ServingMain.parse(new String[] {"--runner=FlinkRunner",
        "--outputDelivery=exactly-once", "--checkpointDir=" + dir}).as(FlinkPipelineOptions.class);
    assertTrue(withDefaults.getCheckpointingInterval() > 0, "the default interval applies");

    IllegalArgumentException off = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ServingMain.parse(new String[] {"--runner=FlinkRunner", "--outputDelivery=exactly-once",
            "--checkpointDir=" + dir, "--checkpointingInterval=-1"}));
    assertThat(off.getMessage(), containsString("set --checkpointingInterval (ms) above 0"));
  }

  @Test
  void aFlinkConfigurationOrCopyModeOfTheUsersOwnIsKept() {
    FlinkPipelineOptions flink = ServingMain.parse(new String[] {
        "--runner=FlinkRunner", "--flinkConfDir=" + dir, "--fasterCopy=false"}).as(FlinkPipelineOptions.class);

    assertEquals(dir.toString(), flink.getFlinkConfDir());
    assertFalse(flink.getFasterCopy());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "--help=dev.modelserving.beam.pipeline.ServingOptions"})
  void helpListsTheServingOptionsWithTheirDefaults(String help) throws Exception {
    Command run = serve(help);

    assertEquals(0, run.status);
    assertEquals("", run.err);
    String[][] expected = {
        {"servingMode", "String", "auto"},
        {"swapPolicy", "String", "when-ready"},
        {"minBatchSize", "int", "1"},
        {"maxBatchSize", "int", "500"},
        {"maxBatchWaitMillis", "long", "10"},
        {"maxLoadedModels", "int", "200"},
        {"shards", "int", "0"},
        {"maxHeldRecords", "int", "10000"}};
    for (String[] option : expected) {
      assertThat(run.out, containsString(
          "--" + option[0] + "=<" + option[1] + ">" + System.lineSeparator() + "    Default: " + option[2]));
    }
    assertThat(run.out, containsString("'keyed'"));
    assertThat(run.out, containsString("'in-order'"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--servingMode=fastest | --servingMode must be 'keyed', 'broadcast' or 'auto', was 'fastest'",
      "--swapPolicy=later    | --swapPolicy must be 'when-ready' or 'in-order', was 'later'",
      "--noModelPolicy=drop  | --noModelPolicy must be 'hold' or 'unserved', was 'drop'",
      "--maxBatchSize=0      | --maxBatchSize must be at least 1 (--minBatchSize), was 0",
      "--shards=-1           | --shards must be at least 0, was -1"})
  @Timeout(60)
  void aBadOptionValueIsOneLineNamingTheAllowedValuesBeforeAnythingStarts(String option, String message)
      throws Exception {
    // An unreachable broker: the command must fail on the option before it tries Kafka.
    Command run = serve("--bootstrapServers=127.0.0.1:1", option);

    assertEquals(2, run.status);
    assertEquals("serve: " + message + System.lineSeparator(), run.err);
    assertThat(run.out, not(containsString("Serving metrics")));
  }

  @Test
  void aBadServingModeIsRefusedInFileModeToo() throws Exception {
    Command run = serve("--inputFile=" + TESTDATA.resolve("wine.csv"), "--servingMode=Keyd",
        "--modelFiles=" + TESTDATA.resolve("models/wine-tree.pmml"),
        "--outputFile=" + dir.resolve("scored.jsonl"), "--deadLetterFile=" + dir.resolve("failures.jsonl"));

    assertEquals(2, run.status);
    assertThat(run.err.trim(), equalTo("serve: --servingMode must be 'keyed', 'broadcast' or 'auto', was 'Keyd'"));
    assertFalse(Files.exists(dir.resolve("scored.jsonl")));
  }

  @Test
  @Timeout(30)
  void aMissingInputFileIsNamedAtOnceInsteadOfSearchedForFromTheRoot() throws Exception {
    // Beam's local file system looks for a missing file under its parent directory: here, under "/"
    String missing = "/no-such-input-" + System.nanoTime() + ".csv";
    Command run = serve("--inputFile=" + missing, "--modelFiles=" + TESTDATA.resolve("models/wine-tree.pmml"),
        "--outputFile=" + dir.resolve("scored.jsonl"), "--deadLetterFile=" + dir.resolve("failures.jsonl"));

    assertEquals(2, run.status);
    assertThat(run.err.trim(), equalTo("serve: --inputFile: no such file: " + missing));
    Command noModel = serve("--inputFile=" + TESTDATA.resolve("wine.csv"), "--modelFiles=/no-such-model.pmml",
        "--outputFile=" + dir.resolve("scored.jsonl"), "--deadLetterFile=" + dir.resolve("failures.jsonl"));
    assertEquals(2, noModel.status);
    assertThat(noModel.err.trim(), equalTo("serve: --modelFiles: no such file: /no-such-model.pmml"));
  }

  @Test
  @Timeout(20)
  void aBrokerThatDoesNotListenIsNamedAtOnce() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    long start = System.nanoTime();
    Command run = serve("--bootstrapServers=127.0.0.1:" + port);

    assertEquals(1, run.status);
    assertThat(run.err, containsString("serve: cannot serve from Kafka: nothing accepts connections at 127.0.0.1:"
        + port + " (127.0.0.1:" + port + ": Connection refused"));
    assertThat(run.err, containsString("runners-config/app.sh kafka"));
    assertEquals(1, run.err.trim().lines().count(), run.err);
    assertTrue(System.nanoTime() - start < 10_000_000_000L, "within 10 s, not after the client's 30 s timeout");
  }

  @Test
  void verbosePrintsTheStackTraceAboveTheOneLine() throws Exception {
    Verbose.set(true);
    try {
      Command run = serve("--bootstrapServers=127.0.0.1:1", "--servingMode=Keyd");
      assertEquals(2, run.status);
      assertThat(run.err, containsString("java.lang.IllegalArgumentException: --servingMode must be"));
      assertThat(run.err, containsString("\tat dev.modelserving.beam.pipeline."));
      assertThat(run.err, containsString("serve: --servingMode must be 'keyed', 'broadcast' or 'auto', was 'Keyd'"));
    } finally {
      Verbose.set(false);
    }
    Command quiet = serve("--bootstrapServers=127.0.0.1:1", "--servingMode=Keyd");
    assertEquals(1, quiet.err.trim().lines().count(), quiet.err);
  }

  private static Command serve(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = ServingMain.serve(args, o, e);
    }
    return new Command(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** What the command returned and printed. */
  private static final class Command {
    final int status;
    final String out;
    final String err;

    Command(int status, String out, String err) {
      this.status = status;
      this.out = out;
      this.err = err;
    }

    List<String> outLines() {
      return List.of(out.split("\\R"));
    }
  }
}

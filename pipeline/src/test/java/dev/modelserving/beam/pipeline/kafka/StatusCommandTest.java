package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.pipeline.io.StatusJson;
import dev.modelserving.beam.pipeline.io.StatusTable;
import dev.modelserving.beam.status.ModelInfo;
import dev.modelserving.beam.status.ModelSetChange;
import dev.modelserving.beam.status.ModelStatusReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code status} command without a broker: bad arguments, an unreachable Kafka (a clear line,
 * within its timeout), and how a report is written as JSON and rendered as a table. The command
 * against a real broker: {@code ModelStatusKafkaTest}.
 */
class StatusCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void badArgumentsSayWhatIsWrong() {
    String[] out = run("--statusTopic=model-status");
    assertThat(out[0], equalTo("2"));
    assertThat(out[2], containsString("status: option --bootstrapServers is required"));
    out = run("--bootstrapServers=127.0.0.1:9092", "--timeoutSeconds=0");
    assertThat(out[0], equalTo("2"));
    assertThat(out[2], containsString("--timeoutSeconds must be at least 1"));
    out = run("--help");
    assertThat(out[0], equalTo("0"));
    assertThat(out[1], containsString("Usage: status --bootstrapServers"));
  }

  @Test
  void anUnreachableKafkaFailsWithinTheTimeout() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    long start = System.nanoTime();
    String[] out = run("--bootstrapServers=127.0.0.1:" + port, "--timeoutSeconds=2");
    assertThat(out[0], equalTo("1"));
    assertThat(out[2], containsString("status: cannot read the status topic 'model-status': nothing accepts"
        + " connections at 127.0.0.1:" + port));
    assertThat("seconds taken", (System.nanoTime() - start) / 1e9 < 5, equalTo(true));

    // something listens, but it is not Kafka: the client's own timeout applies
    try (ServerSocket silent = new ServerSocket(0)) {
      long again = System.nanoTime();
      String[] noAnswer = run("--bootstrapServers=127.0.0.1:" + silent.getLocalPort(), "--timeoutSeconds=2");
      assertThat(noAnswer[0], equalTo("1"));
      assertThat(noAnswer[2], containsString("status: no answer from Kafka at 127.0.0.1:" + silent.getLocalPort()
          + " (PLAINTEXT) to read the status topic 'model-status' within 2000 ms"));
      assertThat("seconds taken", (System.nanoTime() - again) / 1e9 < 15, equalTo(true));
    }
  }

  @Test
  void aReportBecomesJsonAndATableRow() throws Exception {
    ModelInfo tree = new ModelInfo("wine-tree", "3", "u-3", "pmml", "routed 90%", 1_700_000_000_000L);
    ModelInfo idle = new ModelInfo("wine-mlp", "1", "u-1", "tensorflow-saved-model", "idle", 0);
    ModelStatusReport report = new ModelStatusReport("wine", 7, 1_700_000_005_000L, ModelStatusReport.Trigger.INTERVAL,
        "routed", new ModelStatusReport.Change(ModelSetChange.Kind.ROUTED, "", "", "", 1_700_000_001_000L),
        List.of(new ModelStatusReport.Model(idle, 1_699_999_000_000L, 0, 0, 0, 0, 0, 0, 0),
            new ModelStatusReport.Model(tree, 1_700_000_000_500L, 120, 118, 2, 4, 100, 400, 1000)));
    JsonNode json = JSON.readTree(StatusJson.report(report));
    assertThat(json.path("trigger").asText(), equalTo("interval"));
    assertThat(json.path("lastChange").path("kind").asText(), equalTo("routed"));
    assertThat(json.path("models").path(0).path("loadedAt").isNull(), equalTo(true));
    assertThat(json.path("models").path(0).path("latencyMicros").isNull(), equalTo(true));
    assertThat(json.path("models").path(1).path("latencyMicros").toString(),
        equalTo("{\"min\":100,\"mean\":250.0,\"max\":400}"));
    assertThat(json.path("models").path(1).path("currentSince").asText(), equalTo("2023-11-14T22:13:20.500Z"));

    List<String> lines = StatusTable.render(List.of(json), Instant.ofEpochMilli(1_700_000_015_000L));
    assertThat(lines.get(0), equalTo("wine   policy routed   report #7 (interval) at 2023-11-14T22:13:25Z (10 s ago)"));
    assertThat(lines.get(1), equalTo("  last change: routed at 2023-11-14T22:13:21Z"));
    assertThat(lines.get(3).replaceAll(" +", " "), equalTo(" wine-mlp 1 idle tensorflow-saved-model - 2023-11-14T21:56:40Z 0 0 0 0 -"));
    assertThat(lines.get(4).replaceAll(" +", " "), equalTo(
        " wine-tree 3 routed 90% pmml 2023-11-14T22:13:20Z 2023-11-14T22:13:20.500Z 120 118 2 4 100 / 250.0 / 400"));
  }

  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = StatusCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {String.valueOf(exit), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }
}

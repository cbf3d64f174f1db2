package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code kafka} command: a broker a client can use, stopped (and its data deleted) by a signal. */
class KafkaCommandTest {
  private static final Pattern STARTED = Pattern.compile("Kafka broker on (\\S+) \\(data in (\\S+),");

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void startsABrokerClientsCanUseAndDeletesItsDataWhenStopped() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), "dev.modelserving.beam.pipeline.Main", "kafka", "--port=0")
        .redirectErrorStream(true).start();
    try {
      Matcher started = null;
      BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        Matcher m = STARTED.matcher(line);
        if (m.find()) {
          started = m;
          break;
        }
      }
      assertNotNull(started, "the command says where the broker listens");
      Path data = Path.of(started.group(2));
      assertTrue(Files.isDirectory(data));
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, started.group(1)))) {
        admin.createTopics(List.of(new NewTopic("made-by-a-client", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("made-by-a-client"));
      }
      p.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook stops the broker
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command ends when stopped");
      assertFalse(Files.exists(data), "its data is deleted when it stops");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aBadOptionSaysWhichAndTheUsage() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = KafkaCommand.run(new String[] {"--port=x"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, status);
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("--port must be a number, not 'x'"));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("usage: kafka"));
    assertThrows(IllegalArgumentException.class, () -> KafkaCommand.port(new String[] {"--port=70000"}));
    assertThrows(IllegalArgumentException.class, () -> KafkaCommand.port(new String[] {"--topic=a"}));
    assertEquals(9092, KafkaCommand.port(new String[0]));
    assertEquals(-1, KafkaCommand.port(new String[] {"--help"}));
  }
}

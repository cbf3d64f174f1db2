package dev.modelserving.beam.pipeline.demo;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The training demo end to end, as {@code demo.sh --demoMode=training} runs it: an embedded broker,
 * the serving and the training pipeline side by side on the DirectRunner, generated wines with a
 * drift after 500 of them, and the console's accuracy lines, read back from what it printed.
 */
class TrainingDemoTest {
  private static final Pattern ACCURACY = Pattern.compile("^--- \\d+-\\d+ s: +accuracy (\\d\\.\\d{3}) of (\\d+) scored by (.*?);");
  private static final Pattern VERSIONS = Pattern.compile("^wine-sgd v(\\d+)(?:-v(\\d+) \\(\\d+ versions\\))?$");
  private static final Pattern BALANCE = Pattern.compile(
      "records in (\\d+) = scored (\\d+) \\+ review (\\d+) \\+ dead-lettered (\\d+) \\+ unserved (\\d+)$");

  @Test
  void versionsTheTrainerPublishesServeAndTheConsolePrintsTheirAccuracyEveryIntervalAndTheDrift() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream console = System.out;
    System.setOut(new PrintStream(new Tee(bytes, console), true, StandardCharsets.UTF_8));
    int code;
    try {
      // 50 records a second and an early drift, so that a busy machine's serving lag still reaches it
      code = DemoMain.demo(new String[] {"--demoMode=training", "--kafkaPort=0", "--durationSeconds=40",
          "--recordsPerSecond=50", "--driftAfter=500",
          "--testdataDir=" + System.getProperty("testdata.dir", "../testdata/files")});
    } finally {
      System.setOut(console);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);

    List<Double> accuracies = new ArrayList<>(); // of the lines with 50 records or more
    int lines = 0;
    long maxVersion = 0;
    List<String> otherModels = new ArrayList<>();
    for (String line : out.split("\\R")) {
      Matcher m = ACCURACY.matcher(line);
      if (!m.find()) {
        continue;
      }
      lines++;
      if (Integer.parseInt(m.group(2)) >= 50) {
        accuracies.add(Double.parseDouble(m.group(1)));
      }
      Matcher v = VERSIONS.matcher(m.group(3));
      if (v.matches()) {
        maxVersion = Math.max(maxVersion, Long.parseLong(v.group(2) != null ? v.group(2) : v.group(1)));
      } else {
        otherModels.add(m.group(3));
      }
    }
    assertThat(out, lines, greaterThanOrEqualTo(3)); // 40 s at one line every 5 s, the first ones before a model
    assertThat("only wine-sgd serves", otherModels, empty());
    assertThat("a version after the first served records", maxVersion, greaterThanOrEqualTo(2L));
    // the record's label is compared with the served class: neither never (0) nor always (1) equal,
    // and fair for a while (about 0.65 before the drift, 0.48 right after it)
    assertThat(out, accuracies, not(empty()));
    assertThat(accuracies, everyItem(greaterThan(0.15)));
    assertThat(accuracies, everyItem(lessThanOrEqualTo(0.95)));
    assertThat(accuracies.stream().mapToDouble(a -> a).max().orElse(0), greaterThanOrEqualTo(0.5));
    assertThat(out, containsString("<<< DRIFT: the first records of the shifted relation were scored here"));
    assertThat(out, containsString("== Served accuracy: first interval with a model ("));
    assertThat(out, containsString("; right after it ("));

    Matcher balance = BALANCE.matcher(out.lines().filter(l -> l.contains("records in ")).findFirst().orElse(""));
    assertTrue(balance.find(), out);
    long in = Long.parseLong(balance.group(1));
    assertThat(in, greaterThan(1000L));
    assertEquals(in, Long.parseLong(balance.group(2)) + Long.parseLong(balance.group(3))
        + Long.parseLong(balance.group(4)) + Long.parseLong(balance.group(5)), "records in = scored + review + dead + unserved");
    assertThat(out, containsString("== Training metrics (training)"));
    assertThat(out, containsString("  records read "));
    assertThat(out, not(containsString("demo step failed")));
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
      b.flush();
    }
  }
}

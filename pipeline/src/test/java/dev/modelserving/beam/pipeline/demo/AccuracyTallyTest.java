package dev.modelserving.beam.pipeline.demo;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The training demo's served accuracy: per interval, with the versions, the unserved records and the drift. */
class AccuracyTallyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(1000));
  private final AccuracyTally tally = new AccuracyTally("quality", 4, nanos::get);

  @Test
  void eachIntervalTellsItsAccuracyVersionsAndUnservedRecordsAndTheDriftIsMarkedWhereItsRecordsWereFirstScored()
      throws Exception {
    tally.addUnserved();
    tally.addUnserved();
    assertEquals("--- 0-5 s:     no record scored; 2 unserved (no model yet); training has published no model yet",
        interval(5, null));

    tally.add(scored("w-000001", 5, "5", "1"));
    tally.add(scored("w-000002", 6, "5", "2")); // wrong
    tally.add(scored("w-000003", 6, "6", "2"));
    tally.add(scored("w-000004", 7, "7.0", "2")); // the same class, written as a number
    tally.add(JSON.readTree("{\"id\":\"w-000009\",\"input\":{\"quality\":5},\"result\":{\"value\":5.2},"
        + "\"model\":{\"name\":\"wine-linear\",\"version\":\"1\"}}")); // no served label: not counted
    assertEquals("--- 5-10 s:    accuracy 0.750 of 4 scored by wine-sgd v1-v2 (2 versions); training has published"
        + " v3 (holdout accuracy 0.600)", interval(10, "v3 (holdout accuracy 0.600)"));

    tally.add(scored("w-000003", 5, "5", "3")); // before the drift, scored late
    tally.add(scored("w-000004", 6, "6", "3"));
    tally.add(scored("w-000005", 5, "5", "4")); // the first record of the shifted relation
    tally.add(scored("w-000006", 5, "6", "10"));
    tally.add(scored("w-000007", 5, "6", "10"));
    tally.add(scored("w-000008", 5, "6", "10"));
    assertEquals("--- 10-15 s:   accuracy 0.500 of 6 scored by wine-sgd v3-v10 (3 versions); training has published v10"
        + "\n    <<< DRIFT: the first records of the shifted relation were scored here: 1.000 of the 2 before it,"
        + " 0.250 of the 4 after it", interval(15, "v10").replace(System.lineSeparator(), "\n"));

    for (int i = 10; i < 15; i++) {
      tally.add(scored("w-0000" + i, 6, i == 10 ? "5" : "6", "11"));
    }
    assertEquals("--- 15-20 s:   accuracy 0.800 of 5 scored by wine-sgd v11; training has published v12",
        interval(20, "v12"));

    tally.add(scored("w-000015", 6, "6", "12"));
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
    assertEquals("--- 20-22 s:   accuracy 1.000 of 1 scored by wine-sgd v12; training has published v12 (after the"
        + " records stopped)", printed(out -> tally.printLast(out, "v12")));

    assertEquals("== Served accuracy: first interval with a model (5-10 s) 0.750 of 4; just before the drift (5-10 s)"
        + " 0.750 of 4; right after it (10-15 s) 0.250 of 4; at the end (15-20 s) 0.800 of 5",
        printed(tally::printSummary));
    assertEquals(5, tally.intervals().size());
  }

  @Test
  void withoutADriftTheSummarySaysNoDriftedRecordWasScoredAndTheLastIntervalIsTheEnd() throws Exception {
    AccuracyTally noDriftYet = new AccuracyTally("quality", 100, nanos::get);
    noDriftYet.add(scored("w-000001", 5, "6", "1"));
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(3));
    noDriftYet.printAndReset(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "v1");
    noDriftYet.add(scored("w-000002", 5, "5", "2"));
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
    noDriftYet.printLast(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "v2");

    assertEquals("== Served accuracy: first interval with a model (0-3 s) 0.000 of 1; no record past the drift"
        + " (after record 100) was scored; at the end (0-3 s) 0.000 of 1", printed(noDriftYet::printSummary));
    assertThat(printed(new AccuracyTally("quality", 0, nanos::get)::printSummary),
        containsString("no labelled record was scored"));
  }

  @Test
  void labelsMatchAsNumbersOrAsText() {
    assertTrue(AccuracyTally.sameLabel("5", "5.0"));
    assertTrue(AccuracyTally.sameLabel("high", "high"));
    assertFalse(AccuracyTally.sameLabel("5", "6"));
    assertFalse(AccuracyTally.sameLabel("5", "five"));
  }

  private String interval(int atSecond, String published) {
    nanos.set(TimeUnit.SECONDS.toNanos(1000 + atSecond));
    return printed(out -> tally.printAndReset(out, published));
  }

  private static String printed(Consumer<PrintStream> print) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    print.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8).stripTrailing();
  }

  private static JsonNode scored(String id, int quality, String served, String version) throws Exception {
    return JSON.readTree("{\"id\":\"" + id + "\",\"input\":{\"quality\":" + quality + "},\"result\":{\"label\":\""
        + served + "\"},\"model\":{\"name\":\"wine-sgd\",\"version\":\"" + version + "\"}}");
  }
}

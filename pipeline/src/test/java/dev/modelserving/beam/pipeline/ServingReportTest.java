package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The printed counters: per-model counters apart, and the balance with review records. */
class ServingReportTest {

  @Test
  void modelCountersAreToldFromDataTypeCounters() {
    assertTrue(ServingReport.isModelCounter("wine/wine-tree@3/scored"));
    assertTrue(ServingReport.isModelCounter("wine/wine-tree@file/shadow-agreed"));
    assertFalse(ServingReport.isModelCounter("wine/scored"));
    assertFalse(ServingReport.isModelCounter("unknown/received"));
    assertFalse(ServingReport.isModelCounter("wine@eu/scored")); // an '@' in the data type alone
  }

  @Test
  void sumsCountEachRecordOnceWhateverTheModelsCounted() {
    Map<String, Long> totals = totals();
    assertEquals(100, ServingReport.sum(totals, "scored"));
    assertEquals(10, ServingReport.sum(totals, "review"));
  }

  @Test
  void theBalanceIncludesTheRecordsSentToReview() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ServingReport.print(totals(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out, containsString("records in 115 = scored 100 + review 10 + dead-lettered 3 + unserved 2\n"));
    assertThat(out, not(containsString("still held")));
    assertThat(out, containsString("per model (<dataType>/<model>@<version>/<event>):"));
    assertTrue(out.indexOf("wine/wine-tree@3/won") > out.indexOf("per model"), out);
    assertTrue(out.indexOf("wine/scored") < out.indexOf("per model"), out);
  }

  @Test
  void withoutPerModelCountersOnlyTheirVersionsAreCountedAndTheBalanceStays() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ServingReport.print(totals(), new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out, containsString("  per model: the counters of 2 model versions are left out\n"));
    assertThat(out, not(containsString("wine/wine-tree@3")));
    assertThat(out, containsString("records in 115 = scored 100 + review 10 + dead-lettered 3 + unserved 2\n"));
  }

  private static Map<String, Long> totals() {
    Map<String, Long> totals = new TreeMap<>();
    totals.put("wine/received", 115L);
    totals.put("wine/scored", 100L);
    totals.put("wine/review", 10L);
    totals.put("wine/dead-lettered", 3L);
    totals.put("wine/unserved", 2L);
    totals.put("wine/wine-tree@3/scored", 110L);
    totals.put("wine/wine-tree@3/won", 70L);
    totals.put("wine/wine-forest@1/scored", 110L);
    totals.put("wine/wine-forest@1/won", 40L);
    return totals;
  }
}

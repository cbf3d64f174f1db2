package dev.modelserving.beam.benchmarks.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.modelserving.beam.benchmarks.Targets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving-policies section, its CSV lines, its target, and --update into an earlier report. */
class PolicyReportTest {

  static PolicyLatencyResult latency(String variant, String policy, double budget, long in, long answered,
      double p999, double stepP999) {
    return new PolicyLatencyResult(variant, policy, "wine-tree + wine-slow", "keyed p=2", 2, 5_000, 4_990, in, answered,
        0, new LatencySummary(answered, 8.5, 25.0, p999, p999 + 3), new LatencySummary(answered, 2, 21, stepP999, 22),
        budget, Map.of("speculative/preferred", 900L, "speculative/fast", 100L),
        Map.of("wine-slow timed out", 50L, "wine-slow skipped", 50L, "wine-slow answered", 900L), "5 s warm-up");
  }

  static PolicyResults results() {
    PolicyThroughputResult base = new PolicyThroughputResult("current(): model a alone (baseline)", "current",
        "tree", "wine-tree-a", "keyed p=2", 2, 400_000, 390_000, 410_000, true, Double.NaN, 1, 1, 0, 100, Map.of(), "N1=1");
    PolicyThroughputResult consensus = new PolicyThroughputResult("consensus of a, b, c", "consensus", "tree",
        "wine-tree-a + wine-tree-b + wine-tree-c", "keyed p=2", 2, 150_000, 140_000, 160_000, false, Double.NaN, 2.99,
        3, 0, 99.5, Map.of("wine-tree-a", 999L, "wine-tree-b", 1L), "N1=1");
    return new PolicyResults(List.of("speculative latency: a setting"),
        List.of(latency("current(): wine-tree alone (baseline)", "current", Double.NaN, 1_000, 1_000, 18.7, 1),
            latency("speculative(20 ms, fast wine-tree), preferring wine-slow", "speculative", 20, 1_000, 1_000, 21.5, 21)),
        List.of(base.withBaseline(base), consensus.withBaseline(base)),
        List.of(new Measurement(Suites.POLICIES, "consensus of a, b, c", "tree", 2, 3_000_000, 3_000_000, 20.5)),
        List.of());
  }

  static Report report(PolicyResults policies) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("date", "2026-11-24T16:00:00Z");
    facts.put("cores (available to the JVM)", "2");
    return new Report("benchmarks/run.sh --suites=policies --update", "", new MachineFacts(facts), List.of(),
        List.of(), List.of(), List.of(), List.of(), List.of(), policies);
  }

  @Test
  void theSectionHasTheLatencyAndThroughputTablesWithTheirBaselines() {
    PolicyResults r = results();
    r = r.withTargets(Targets.speculative(r.latencies()));
    String md = MarkdownReport.render(report(r));
    assertThat(md, containsString("## Serving policies\n"));
    assertThat(md, containsString("- speculative latency: a setting\n"));
    assertThat(md, containsString("| speculative(20 ms, fast wine-tree), preferring wine-slow | wine-tree + wine-slow"
        + " | keyed p=2 | 5,000 | 4,990 | 1,000 | 1,000 (100%) | 8.50 | 25.0 | 21.5 | 24.5 | 21.0 / 21.0 / 22.0 |"
        + " speculative/preferred 90.0%, speculative/fast 10.0% |"));
    assertThat(md, containsString("| tree | consensus of a, b, c | wine-tree-a + wine-tree-b + wine-tree-c | keyed p=2"
        + " | 150,000 | 140,000 – 160,000 | 0.375× | 2.99 (3) | **99.5%** |  | wine-tree-a 99.9%, wine-tree-b 0.1% | N1=1 |"));
    assertThat(md, containsString("| tree | current(): model a alone (baseline) | wine-tree-a | keyed p=2 | 400,000"));
    assertThat(md, containsString("| 1.00× | 1.00 (1) | 100% |  |  | N1=1 |"));
    assertThat(md, containsString("| consensus of a, b, c | tree | 2 | 3,000,000 | 3,000,000 | 20.500 | 146,000 |"));
    assertThat(md, containsString("| Speculative policy, its own time (serving step): p99.9 <= latency budget + 2 ms,"
        + " with 100% of records answered | keyed p=2 at 5,000/s: serving step p99.9 21 ms against 20 + 2 ms, 100% answered"
        + " | **met** |"));
    assertThat(md, containsString("| Speculative policy, end to end (due at the source to out of ServeModels): p99.9 <="
        + " latency budget + 2 ms, with 100% of records answered | keyed p=2 at 5,000/s: p99.9 21.5 ms against 20 + 2 ms, 100% answered (serving step p99.9 21 ms;"
        + " the fast model alone: p99.9 18.7 ms) | **met** |"));
    assertThat("the embedded section does not claim another run", md, not(containsString("Measured separately")));
  }

  @Test
  void theTargetIsMissedByALateTailOrAMissingRecordAndNotMeasuredWithoutTheSuite() {
    assertThat(Targets.speculativeBudget(List.of(latency("s", "speculative", 20, 1_000, 1_000, 22.5, 21))).status(),
        equalTo(TargetStatus.Status.MISSED));
    TargetStatus lost = Targets.speculativeBudget(List.of(latency("s", "speculative", 20, 1_000, 999, 10, 5)));
    assertThat(lost.status(), equalTo(TargetStatus.Status.MISSED));
    assertThat(lost.figure(), containsString("999 of 1,000 (99.900%) answered"));
    assertThat(Targets.speculativeBudget(List.of(latency("c", "current", Double.NaN, 1_000, 1_000, 5, 1))).status(),
        equalTo(TargetStatus.Status.NOT_MEASURED));
    assertThat("a serving step past the budget and slack misses",
        Targets.speculativeStep(List.of(latency("s", "speculative", 20, 1_000, 1_000, 21, 23))).status(),
        equalTo(TargetStatus.Status.MISSED));
    assertThat(Targets.speculativeStep(List.of(latency("s", "speculative", 20, 1_000, 1_000, 30, 22))).status(),
        equalTo(TargetStatus.Status.MET));
    assertThat("a lost record misses the step target too",
        Targets.speculativeStep(List.of(latency("s", "speculative", 20, 1_000, 999, 10, 5))).status(),
        equalTo(TargetStatus.Status.MISSED));
    PolicyLatencyResult few = latency("s", "speculative", 20, 500, 500, Double.NaN, 21);
    assertThat("under 1,000 records the maximum stands in", Targets.speculativeBudget(List.of(few)).figure(),
        containsString("(max: under 1,000 records)"));
  }

  @Test
  void csvLinesOfThePolicies() {
    String[] lines = CsvReport.render(report(results())).split("\n");
    assertThat(lines.length, equalTo(5));
    assertThat(lines[2], equalTo("policy-latency,policies,\"speculative(20 ms, fast wine-tree), preferring wine-slow\","
        + "wine-tree + wine-slow,2,,,,,,,5000,4990,1000,8.5000,25,21.5000,24.5000,,,,100,,21,21,22,"
        + "speculative/fast=100;speculative/preferred=900,"
        + "wine-slow answered=900;wine-slow skipped=50;wine-slow timed out=50,keyed p=2; 5 s warm-up"));
    assertThat(lines[4], equalTo("policy-throughput,policies,\"consensus of a, b, c\",wine-tree-a + wine-tree-b + wine-tree-c,"
        + "2,150000,140000,160000,,,,,,,,,,,,,0.3750,99.5000,2.9900,,,,wine-tree-a=999;wine-tree-b=1,,keyed p=2; N1=1"));
    for (String line : lines) {
      assertThat(line, CsvReport.parse(line + "\n").get(0).size(), equalTo(CsvReport.COLUMNS.size()));
    }
  }

  @Test
  void sharesNeverRoundUpToAll() {
    assertThat(PolicyLatencyResult.percent(100), equalTo("100%"));
    assertThat(PolicyLatencyResult.percent(100.0 * 11_998_858 / 12_000_000), equalTo("99.9904%"));
    assertThat(PolicyLatencyResult.percent(99.99999), equalTo("99.9999%"));
    assertThat(PolicyLatencyResult.percent(99.5), equalTo("99.5%"));
    assertThat(PolicyLatencyResult.percent(12.345), equalTo("12.3%"));
    assertThat(PolicyLatencyResult.percent(0.0167), equalTo("0.0167%"));
    assertThat(PolicyLatencyResult.percent(Double.NaN), equalTo("n/a"));
  }

  @Test
  void csvParsingReadsQuotedFields() {
    List<List<String>> rows = CsvReport.parse("a,\"b, c\",\"say \"\"hi\"\"\",\n1,,\"x\ny\"\r\n");
    assertThat(rows, equalTo(List.of(List.of("a", "b, c", "say \"hi\"", ""), List.of("1", "", "x\ny"))));
  }

  /** The CSV header before the policies suite existed, and two lines of it. */
  private static final String OLD_CSV = "kind,suite,variant,model,parallelism,records_per_second,low,high,raw_baseline,"
      + "ratio_to_raw,ratio_to_native,offered_rate,achieved_rate,count,p50_ms,p99_ms,p999_ms,max_ms,heap_mib,"
      + "models_loaded,notes\n"
      + "throughput,raw,JPMML prepare + evaluate,tree,1,2031187.1128,2026411.9565,2039709.4103,true,1,1.4357,,,,,,,,,,"
      + "\"median of 5 iterations; JMH mean 2,032,711 ± 21,084 (99.9%)\"\n"
      + "heap,heap,per model,,,,,,,,,,,,,,,,0.1364,,difference / 200\n";

  @Test
  void updatingAnOlderCsvKeepsItsLinesUnderTheNewHeaderAndReplacesThePolicyLines() {
    List<Map<String, String>> added = CsvReport.policyRows(results());
    String once = CsvReport.merge(OLD_CSV, ReportUpdate::isPolicyRow, added);
    String[] lines = once.split("\n");
    assertThat(lines[0], equalTo(CsvReport.HEADER));
    assertThat(lines[1], equalTo("throughput,raw,JPMML prepare + evaluate,tree,1,2031187.1128,2026411.9565,"
        + "2039709.4103,true,1,1.4357,,,,,,,,,,,,,,,,,,\"median of 5 iterations; JMH mean 2,032,711 ± 21,084 (99.9%)\""));
    assertThat(lines[2], equalTo("heap,heap,per model,,,,,,,,,,,,,,,,0.1364,,,,,,,,,,difference / 200"));
    assertThat(lines.length, equalTo(3 + added.size()));
    String twice = CsvReport.merge(once, ReportUpdate::isPolicyRow, added);
    assertThat("updating again replaces the policy lines", twice, equalTo(once));
  }

  private static final String OLD_MD = "# Benchmarks\n\n## Targets\n\n| a | b | c |\n\n## Heap\n\nheap table\n\n"
      + "## Timed runs\n\nruns\n\nThe same figures as CSV: [benchmarks.csv](benchmarks.csv).\n";

  @Test
  void theSectionGoesBeforeTheTimedRunsAndReplacesItselfLater() {
    String once = ReportUpdate.replaceSection(OLD_MD, "## Serving policies\n\nfirst\n\n");
    assertThat(once, equalTo("# Benchmarks\n\n## Targets\n\n| a | b | c |\n\n## Heap\n\nheap table\n\n"
        + "## Serving policies\n\nfirst\n\n## Timed runs\n\nruns\n\nThe same figures as CSV: [benchmarks.csv](benchmarks.csv).\n"));
    String twice = ReportUpdate.replaceSection(once, "## Serving policies\n\nsecond\n\n");
    assertThat(twice, equalTo(once.replace("first", "second")));
    String last = "# B\n\n## Heap\n\nx\n\n## Serving policies\n\nold\n\nThe same figures as CSV: [benchmarks.csv](benchmarks.csv).\n";
    assertThat(ReportUpdate.replaceSection(last, "## Serving policies\n\nnew\n\n"), equalTo(last.replace("old", "new")));
    assertThat(ReportUpdate.replaceSection("# B\n", "## Serving policies\n\nnew\n\n"),
        equalTo("# B\n\n## Serving policies\n\nnew\n\n"));
    assertThat("a heading that only starts the same is not the section",
        ReportUpdate.replaceSection("## Serving policies, old\n\nx\n", "## Serving policies\n\ny\n\n"),
        equalTo("## Serving policies, old\n\nx\n\n## Serving policies\n\ny\n\n"));
  }

  @Test
  void updateWritesTheSectionAndTheLinesIntoTheEarlierReport(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(Report.MARKDOWN), OLD_MD, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(Report.CSV), OLD_CSV, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(Report.SVG), "<svg/>", StandardCharsets.UTF_8);
    report(results()).updateIn(dir);
    String md = Files.readString(dir.resolve(Report.MARKDOWN));
    assertThat(md, containsString("## Heap\n\nheap table\n\n## Serving policies\n\n> Measured separately from the rest"
        + " of this report, by `benchmarks/run.sh --suites=policies --update` on 2026-11-24T16:00:00Z (2 cores"));
    assertThat(md, containsString("| consensus of a, b, c | tree | 2 | 3,000,000 |"));
    assertThat(md, containsString("\n## Timed runs\n\nruns\n"));
    assertThat(Files.readString(dir.resolve(Report.CSV)), containsString("policy-throughput,policies,"));
    assertThat("the chart is left alone", Files.readString(dir.resolve(Report.SVG)), equalTo("<svg/>"));
  }
}

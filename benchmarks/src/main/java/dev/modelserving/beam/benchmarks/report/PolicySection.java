package dev.modelserving.beam.benchmarks.report;

import java.util.List;
import java.util.Locale;

/**
 * The "Serving policies" section of {@code benchmarks.md}: written into the full report, or on its
 * own by {@code --update} into an existing report (then it says which command, machine and date its
 * figures come from, since the rest of the report is from another run).
 */
public final class PolicySection {
  /** The section's heading line. */
  public static final String HEADING = "## Serving policies";

  private PolicySection() {}

  /**
   * The section, from its heading to a blank line.
   *
   * @param standalone when the section is written into a report from another run: the report of this
   *     run, whose command, note and machine the section names; null inside the full report
   */
  public static String render(PolicyResults policies, Report standalone) {
    StringBuilder s = new StringBuilder(HEADING).append("\n\n");
    if (standalone != null) {
      s.append("> Measured separately from the rest of this report, by `").append(standalone.command())
          .append("` on ").append(standalone.machine().facts().getOrDefault("date", "?"))
          .append(" (").append(machineSummary(standalone.machine())).append(")")
          .append(standalone.note().isBlank() ? "" : ". **Note:** " + standalone.note().trim())
          .append(".\n\n");
    }
    s.append("`ServeModels` with `withPolicy(...)`: each data type holds a named set of models and the policy decides"
        + " which of them score a batch and whose answer a record gets (`ServingPolicies`).\n\n");
    for (String line : policies.settings()) {
      s.append("- ").append(line).append('\n');
    }
    if (!policies.settings().isEmpty()) {
      s.append('\n');
    }
    if (!policies.targets().isEmpty()) {
      s.append("| target | measured | status |\n|---|---|---|\n");
      for (TargetStatus t : policies.targets()) {
        s.append("| ").append(MarkdownReport.cell(t.target()))
            .append(" | ").append(MarkdownReport.cell(t.figure()))
            .append(" | ").append(t.status() == TargetStatus.Status.MET ? "**met**" : t.status().label())
            .append(" |\n");
      }
      s.append('\n');
    }
    if (!policies.latencies().isEmpty()) {
      s.append("### Speculative execution: per-record latency\n\n")
          .append("Of the records *due* in the window: *in* went into ServeModels, *answered* came out scored"
              + " (every one must). Latency is end to end, out of ServeModels − due at the paced source, so it"
              + " includes the source's wait, the bundle and the batch wait (up to 10 ms) as well as the policy;"
              + " *serving step* is out − the batch's start of serving (`ScoredRecord.getServedAtMillis`, whole"
              + " milliseconds). *Answered by* counts records by `ScoredRecord.getDecision()`; *consulted models* by"
              + " what each record's decision trace says of each model it consulted: answered, timed out, or skipped"
              + " (still busy with a call past its budget). The notes give the JVM's garbage collections during the"
              + " window and the one-minute load average (the benchmark's own threads included).\n\n");
      s.append("| policy | models | setup | offered/s | achieved/s | in | answered | p50 ms | p99 ms | p99.9 ms | max ms"
          + " | serving step p99 / p99.9 / max ms | answered by | consulted models | notes |\n");
      s.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|---|\n");
      for (PolicyLatencyResult r : policies.latencies()) {
        s.append("| ").append(MarkdownReport.cell(r.variant()))
            .append(" | ").append(MarkdownReport.cell(r.models()))
            .append(" | ").append(MarkdownReport.cell(r.setup()))
            .append(" | ").append(Format.rate(r.offeredRate()))
            .append(" | ").append(Format.rate(r.achievedRate()))
            .append(" | ").append(String.format(Locale.ROOT, "%,d", r.inputs()))
            .append(" | ").append(answered(r))
            .append(" | ").append(Format.millis(r.endToEnd().p50()))
            .append(" | ").append(Format.millis(r.endToEnd().p99()))
            .append(" | ").append(Format.millis(r.endToEnd().p999()))
            .append(" | ").append(Format.millis(r.endToEnd().max()))
            .append(" | ").append(Format.millis(r.step().p99())).append(" / ")
            .append(Format.millis(r.step().p999())).append(" / ").append(Format.millis(r.step().max()))
            .append(" | ").append(MarkdownReport.cell(r.decisionShares()))
            .append(" | ").append(MarkdownReport.cell(r.outcomeShares()))
            .append(" | ").append(MarkdownReport.cell(r.notes()))
            .append(" |\n");
      }
      s.append('\n');
    }
    if (!policies.throughputs().isEmpty()) {
      s.append("### Throughput cost of each policy\n\n")
          .append("Marginal records/s of bounded runs (as the serve suite), the same records and copies of the same"
              + " model; *× single* divides by `current()` with model a alone in the same run. *Answers/record* is"
              + " what the library's per-model counters say the models answered per record (shadow answers"
              + " included), next to what the policy asks for (fewer when records were served before every model of"
              + " the set had loaded: a policy consults the models in the set); *answered* is the share of the"
              + " records of the timed runs that came out scored or for review (the rest were dead-lettered: the"
              + " notes say why).\n\n");
      s.append("| model | policy | models | setup | records/s | spread | × single | answers/record (asked) | answered"
          + " | review | answered by | notes |\n");
      s.append("|---|---|---|---|--:|---|--:|--:|--:|--:|---|---|\n");
      for (PolicyThroughputResult r : policies.throughputs()) {
        s.append("| ").append(MarkdownReport.cell(r.model()))
            .append(" | ").append(MarkdownReport.cell(r.variant()))
            .append(" | ").append(MarkdownReport.cell(r.models()))
            .append(" | ").append(MarkdownReport.cell(r.setup()))
            .append(" | ").append(Format.rate(r.recordsPerSecond()))
            .append(" | ").append(Format.spread(r.low(), r.high()))
            .append(" | ").append(Format.ratio(r.ratioToBaseline()))
            .append(" | ").append(String.format(Locale.ROOT, "%.2f (%.0f)", r.scoringsPerRecord(), r.expectedScorings()))
            .append(" | ").append(r.answeredPercent() < 100 ? "**" + PolicyLatencyResult.percent(r.answeredPercent()) + "**"
                : PolicyLatencyResult.percent(r.answeredPercent()))
            .append(" | ").append(r.reviewPercent() > 0 ? PolicyLatencyResult.percent(r.reviewPercent()) : "")
            .append(" | ").append(MarkdownReport.cell(r.wonShares()))
            .append(" | ").append(MarkdownReport.cell(r.notes()))
            .append(" |\n");
      }
      s.append('\n');
    }
    List<Measurement> runs = policies.runs();
    if (!runs.isEmpty()) {
      s.append("<details><summary>Timed runs of the policy throughput figures</summary>\n\n");
      s.append("| policy | model | parallelism | records | answered | seconds | records/s (this run alone) |\n");
      s.append("|---|---|--:|--:|--:|--:|--:|\n");
      for (Measurement m : runs) {
        s.append("| ").append(MarkdownReport.cell(m.variant()))
            .append(" | ").append(MarkdownReport.cell(m.model()))
            .append(" | ").append(m.parallelism())
            .append(" | ").append(String.format(Locale.ROOT, "%,d", m.records()))
            .append(" | ").append(String.format(Locale.ROOT, "%,d", m.scored()))
            .append(" | ").append(String.format(Locale.ROOT, "%.3f", m.seconds()))
            .append(" | ").append(Format.rate(m.recordsPerSecond()))
            .append(" |\n");
      }
      s.append("\n</details>\n\n");
    }
    return s.toString();
  }

  private static String answered(PolicyLatencyResult r) {
    String share = PolicyLatencyResult.percent(r.answeredPercent());
    return String.format(Locale.ROOT, "%,d (%s)", r.answered(), share)
        + (r.failures() > 0 ? String.format(Locale.ROOT, "; %,d failed", r.failures()) : "");
  }

  private static String machineSummary(MachineFacts machine) {
    return machine.facts().getOrDefault("cores (available to the JVM)", "?") + " cores, "
        + machine.facts().getOrDefault("processor", "?") + ", " + machine.facts().getOrDefault("JVM", "?");
  }
}

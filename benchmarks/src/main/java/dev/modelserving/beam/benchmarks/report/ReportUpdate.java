package dev.modelserving.beam.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --update}: writes the policies suite's figures into a report written earlier, leaving
 * everything else as it is: in {@code benchmarks.md} the "Serving policies" section is replaced (or
 * inserted before "Timed runs", else before the closing CSV link, else at the end); in {@code
 * benchmarks.csv} the policy lines are replaced (the file takes the current header, older lines
 * keep their values); {@code benchmarks.svg} is not touched.
 */
public final class ReportUpdate {
  private ReportUpdate() {}

  /** Updates the report in {@code dir}; returns its Markdown file. */
  public static Path apply(Path dir, Report report) throws IOException {
    Path markdown = dir.resolve(Report.MARKDOWN);
    Path csv = dir.resolve(Report.CSV);
    if (!Files.isRegularFile(markdown) || !Files.isRegularFile(csv)) {
      throw new IOException("--update needs the report of an earlier run in " + dir.toAbsolutePath()
          + " (" + Report.MARKDOWN + " and " + Report.CSV + "); run without --update first");
    }
    String md = Files.readString(markdown, StandardCharsets.UTF_8);
    String updated = replaceSection(md, PolicySection.render(report.policies(), report));
    String rows = CsvReport.merge(Files.readString(csv, StandardCharsets.UTF_8), ReportUpdate::isPolicyRow,
        CsvReport.policyRows(report.policies()));
    Files.writeString(csv, rows, StandardCharsets.UTF_8);
    Files.writeString(markdown, updated, StandardCharsets.UTF_8);
    return markdown;
  }

  /** Whether a CSV row is one of the policies suite's. */
  static boolean isPolicyRow(Map<String, String> row) {
    return Suites.POLICIES.equals(row.get("suite"));
  }

  /**
   * {@code md} with its "Serving policies" section (from the heading to the next level-2 heading or
   * the closing CSV link) replaced by {@code section}, or with {@code section} inserted.
   */
  static String replaceSection(String md, String section) {
    int start = headingAt(md, PolicySection.HEADING);
    if (start >= 0) {
      int end = nextBoundary(md, start + PolicySection.HEADING.length());
      return md.substring(0, start) + section + md.substring(end);
    }
    int before = headingAt(md, "## Timed runs");
    if (before < 0) {
      before = lineStartingWith(md, "The same figures as CSV");
    }
    if (before < 0) {
      return md + (md.endsWith("\n\n") ? "" : md.endsWith("\n") ? "\n" : "\n\n") + section;
    }
    return md.substring(0, before) + section + md.substring(before);
  }

  /** Where the line {@code heading} (exactly) starts, or -1. */
  private static int headingAt(String md, String heading) {
    int from = 0;
    while (true) {
      int i = md.indexOf(heading, from);
      if (i < 0) {
        return -1;
      }
      boolean lineStart = i == 0 || md.charAt(i - 1) == '\n';
      int after = i + heading.length();
      boolean lineEnd = after == md.length() || md.charAt(after) == '\n' || md.charAt(after) == '\r';
      if (lineStart && lineEnd) {
        return i;
      }
      from = i + 1;
    }
  }

  /** Where the first line starting with {@code prefix} starts, or -1. */
  private static int lineStartingWith(String md, String prefix) {
    if (md.startsWith(prefix)) {
      return 0;
    }
    int i = md.indexOf("\n" + prefix);
    return i < 0 ? -1 : i + 1;
  }

  /** The start of the next level-2 heading or closing CSV link after {@code from}, or the end. */
  private static int nextBoundary(String md, int from) {
    int end = md.length();
    int heading = md.indexOf("\n## ", from);
    if (heading >= 0) {
      end = Math.min(end, heading + 1);
    }
    int link = md.indexOf("\nThe same figures as CSV", from);
    if (link >= 0) {
      end = Math.min(end, link + 1);
    }
    return end;
  }
}

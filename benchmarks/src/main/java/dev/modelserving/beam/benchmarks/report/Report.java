package dev.modelserving.beam.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything one benchmark run found, ready to be written as {@code benchmarks.md}, {@code
 * benchmarks.csv} and {@code benchmarks.svg}.
 *
 * @param command the command that produced it, as a user would type it
 * @param note a remark printed at the top (e.g. that the machine was busy), or empty
 * @param machine what it ran on
 * @param settings how it was measured (sizes, repeats, JMH settings), one line each
 * @param results the figures, with their ratios
 * @param measurements every timed pipeline run behind the figures
 * @param latencies the latency figures
 * @param heap the heap figures
 * @param targets where each target of the issue stands
 * @param policies the policies suite's figures, for their own section
 */
public record Report(
    String command,
    String note,
    MachineFacts machine,
    List<String> settings,
    List<BenchmarkResult> results,
    List<Measurement> measurements,
    List<LatencyResult> latencies,
    List<HeapResult> heap,
    List<TargetStatus> targets,
    PolicyResults policies) {

  public static final String MARKDOWN = "benchmarks.md";
  public static final String CSV = "benchmarks.csv";
  public static final String SVG = "benchmarks.svg";

  public Report {
    note = note == null ? "" : note;
    settings = List.copyOf(settings);
    results = List.copyOf(results);
    measurements = List.copyOf(measurements);
    latencies = List.copyOf(latencies);
    heap = List.copyOf(heap);
    targets = List.copyOf(targets);
    policies = policies == null ? PolicyResults.none() : policies;
  }

  /** A report without serving-policy figures. */
  public Report(String command, String note, MachineFacts machine, List<String> settings,
      List<BenchmarkResult> results, List<Measurement> measurements, List<LatencyResult> latencies,
      List<HeapResult> heap, List<TargetStatus> targets) {
    this(command, note, machine, settings, results, measurements, latencies, heap, targets, PolicyResults.none());
  }

  /** A report of throughput figures only. */
  public Report(String command, String note, MachineFacts machine, List<String> settings,
      List<BenchmarkResult> results, List<Measurement> measurements) {
    this(command, note, machine, settings, results, measurements, List.of(), List.of(), List.of(),
        PolicyResults.none());
  }

  /** The models in the order they first appear. */
  public List<String> models() {
    Set<String> models = new LinkedHashSet<>();
    results.forEach(r -> models.add(r.model()));
    return List.copyOf(models);
  }

  /**
   * Writes only the policies section and CSV lines into the report already in {@code dir} ({@link
   * ReportUpdate}); returns the Markdown file.
   */
  public Path updateIn(Path dir) throws IOException {
    return ReportUpdate.apply(dir, this);
  }

  /** Writes the three files into {@code dir} (created if needed); returns the Markdown file. */
  public Path writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(CSV), CsvReport.render(this), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(SVG), SvgChart.render(this), StandardCharsets.UTF_8);
    Path markdown = dir.resolve(MARKDOWN);
    Files.writeString(markdown, MarkdownReport.render(this), StandardCharsets.UTF_8);
    return markdown;
  }
}

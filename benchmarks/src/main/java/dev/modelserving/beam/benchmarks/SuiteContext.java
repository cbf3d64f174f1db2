package dev.modelserving.beam.benchmarks;

import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import dev.modelserving.beam.benchmarks.report.HeapResult;
import dev.modelserving.beam.benchmarks.report.LatencyResult;
import dev.modelserving.beam.benchmarks.report.Measurement;
import dev.modelserving.beam.benchmarks.report.PolicyLatencyResult;
import dev.modelserving.beam.benchmarks.report.PolicyResults;
import dev.modelserving.beam.benchmarks.report.PolicyThroughputResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What every suite gets: the options, the model files, where to put measurements, latency and heap
 * figures and settings, and the figures of the suites that ran before it (a later suite may take
 * its load from an earlier one's throughput).
 */
public final class SuiteContext {
  private final BenchmarkOptions options;
  private final ModelFiles models;
  private final PrintStream log;
  private final List<Measurement> measurements = new ArrayList<>();
  private final List<String> settings = new ArrayList<>();
  private final List<BenchmarkResult> results = new ArrayList<>();
  private final List<LatencyResult> latencies = new ArrayList<>();
  private final List<HeapResult> heap = new ArrayList<>();
  private final List<String> policySettings = new ArrayList<>();
  private final List<PolicyLatencyResult> policyLatencies = new ArrayList<>();
  private final List<PolicyThroughputResult> policyThroughputs = new ArrayList<>();
  private final List<Measurement> policyRuns = new ArrayList<>();

  public SuiteContext(BenchmarkOptions options, ModelFiles models, PrintStream log) {
    this.options = options;
    this.models = models;
    this.log = log;
  }

  public BenchmarkOptions options() {
    return options;
  }

  public ModelFiles models() {
    return models;
  }

  /** Records a timed run for the report's table of runs. */
  public void addMeasurement(Measurement m) {
    measurements.add(m);
  }

  /** Records how a suite measured, one line for the report's settings. */
  public void addSetting(String line) {
    settings.add(line);
  }

  /** Records the throughput figures of a suite that has run, for the report and for later suites. */
  public void addResults(List<BenchmarkResult> figures) {
    results.addAll(figures);
  }

  /** Records a latency figure. */
  public void addLatency(LatencyResult figure) {
    latencies.add(figure);
  }

  /** Records a heap figure. */
  public void addHeap(HeapResult figure) {
    heap.add(figure);
  }

  /** Records how the policies suite measured, one line for its section. */
  public void addPolicySetting(String line) {
    policySettings.add(line);
  }

  /** Records a latency figure of the policies suite. */
  public void addPolicyLatency(PolicyLatencyResult figure) {
    policyLatencies.add(figure);
  }

  /** Records a throughput figure of the policies suite. */
  public void addPolicyThroughput(PolicyThroughputResult figure) {
    policyThroughputs.add(figure);
  }

  /** Records a timed run of the policies suite (listed in its own section). */
  public void addPolicyRun(Measurement m) {
    policyRuns.add(m);
  }

  /** What the policies suite recorded (empty if it did not run), without targets. */
  public PolicyResults policies() {
    return new PolicyResults(policySettings, policyLatencies, policyThroughputs, policyRuns, List.of());
  }

  /** The first throughput figure recorded so far that matches, if any. */
  public Optional<BenchmarkResult> findResult(Predicate<BenchmarkResult> which) {
    return results.stream().filter(which).findFirst();
  }

  /** The first latency figure recorded so far that matches, if any. */
  public Optional<LatencyResult> findLatency(Predicate<LatencyResult> which) {
    return latencies.stream().filter(which).findFirst();
  }

  public List<Measurement> measurements() {
    return List.copyOf(measurements);
  }

  public List<String> settings() {
    return List.copyOf(settings);
  }

  public List<BenchmarkResult> results() {
    return List.copyOf(results);
  }

  public List<LatencyResult> latencies() {
    return List.copyOf(latencies);
  }

  public List<HeapResult> heap() {
    return List.copyOf(heap);
  }

  /** Prints a progress line. */
  public void log(String format, Object... args) {
    log.println(String.format(Locale.ROOT, format, args));
    log.flush();
  }
}

package dev.modelserving.beam.benchmarks;

import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.benchmarks.report.Measurement;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What every suite gets: the options, the model files, and where to put measurements and settings. */
public final class SuiteContext {
  private final BenchmarkOptions options;
  private final ModelFiles models;
  private final PrintStream log;
  private final List<Measurement> measurements = new ArrayList<>();
  private final List<String> settings = new ArrayList<>();

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

  public List<Measurement> measurements() {
    return List.copyOf(measurements);
  }

  public List<String> settings() {
    return List.copyOf(settings);
  }

  /** Prints a progress line. */
  public void log(String format, Object... args) {
    log.println(String.format(Locale.ROOT, format, args));
    log.flush();
  }
}

package dev.modelserving.beam.benchmarks;

import dev.modelserving.beam.benchmarks.report.BenchmarkResult;
import java.util.List;

/** One way of scoring the workload, measured for every model and parallelism it is asked for. */
public interface Suite {

  /** The name used with {@code --suites} and in the report, e.g. "native-flink". */
  String name();

  /** Runs the measurements; timed pipeline runs also go to {@link SuiteContext#addMeasurement}. */
  List<BenchmarkResult> run(SuiteContext context) throws Exception;
}

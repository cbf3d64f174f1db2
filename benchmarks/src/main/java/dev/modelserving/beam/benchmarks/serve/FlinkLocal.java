package dev.modelserving.beam.benchmarks.serve;

import dev.modelserving.beam.pipeline.ServingMain;
import dev.modelserving.beam.pipeline.ServingOptions;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Pipeline options for a Beam pipeline on the Flink runner's local mini-cluster inside this JVM
 * ({@code --flinkMaster=[local]}): streaming, no checkpoints, {@code --fasterCopy}, and the bundle
 * settings asked for. Attached runs block until the job ends (bounded inputs); detached runs
 * return at once and are stopped with {@code PipelineResult.cancel()} (unbounded inputs).
 */
public final class FlinkLocal {
  private FlinkLocal() {}

  /** Options for a run at {@code parallelism}; {@code attached} blocks {@code run()} until the end. */
  public static ServingOptions options(int parallelism, BundleSettings bundles, boolean attached) {
    List<String> args = new ArrayList<>(List.of(
        "--runner=" + FlinkRunner.class.getSimpleName(),
        "--flinkMaster=[local]",
        "--streaming=true",
        "--parallelism=" + parallelism,
        "--fasterCopy=true",
        "--attachedMode=" + attached,
        "--maxBatchWaitMillis=" + BundleSettings.MAX_BATCH_WAIT_MILLIS));
    String[] argv = args.toArray(new String[0]);
    PipelineOptionsFactory.register(ServingOptions.class);
    ServingOptions options = PipelineOptionsFactory.fromArgs(argv).as(ServingOptions.class);
    if (bundles == BundleSettings.APP) {
      ServingMain.applyRunnerDefaults(options, argv); // attachedMode is given, so it stays as asked
    }
    return options;
  }

  /** A line for the report: the bundle and source settings the options carry. */
  public static String describe(ServingOptions options) {
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    return String.format(java.util.Locale.ROOT,
        "maxBundleTimeMills=%d, maxBundleSize=%d, autoWatermarkInterval=%s, fasterCopy=%s, checkpoints off",
        flink.getMaxBundleTimeMills(), flink.getMaxBundleSize(),
        flink.getAutoWatermarkInterval() == null ? "Flink's default" : flink.getAutoWatermarkInterval() + " ms",
        flink.getFasterCopy());
  }
}

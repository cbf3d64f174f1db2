package dev.modelserving.beam.benchmarks.serve;

import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.serving.NoModelPolicy;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.ServingMode;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.Locale;
import org.joda.time.Duration;

/**
 * How a benchmark pipeline configures {@link ServeModels}: as the serving application does for
 * wine records ({@code ServingPipeline.serveModels}), with the library's default batch sizes and a
 * {@value BundleSettings#MAX_BATCH_WAIT_MILLIS} ms maximum batch wait; keyed mode with one shard
 * per parallel instance.
 *
 * <p>One difference: records that arrive before the model is loaded are held without a bound (the
 * app holds 10,000 per key), since a bounded run at full speed reads hundreds of thousands of
 * records while a model loads, and every one of them must be scored.
 *
 * @param mode keyed or broadcast
 * @param parallelism the Flink parallelism, and the shards of keyed mode
 * @param bundles the runner's bundle settings
 */
public record ServingSetup(ServingMode mode, int parallelism, BundleSettings bundles) {

  public ServingSetup {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
  }

  /** The transform, without its model stream ({@code withModels} is the caller's). */
  public ServeModels<DataRecord> serveModels() {
    return serveModels(NoModelPolicy.hold(Integer.MAX_VALUE, Duration.standardHours(1)));
  }

  /** The transform with a given policy for records that arrive before any model. */
  public ServeModels<DataRecord> serveModels(NoModelPolicy noModelPolicy) {
    ServeModels<DataRecord> serve = ServeModels.<DataRecord>create()
        .withDataTypeFn(DataRecord::getDataType)
        .withFeatureExtractor(DataRecord::toFeatures)
        .withPayloadFormatter(DataRecord::getPayload)
        .withRecordFields(WineSchema.COLUMNS)
        .withNoModelPolicy(noModelPolicy)
        .withMode(mode)
        .withMaxBatchWait(Duration.millis(BundleSettings.MAX_BATCH_WAIT_MILLIS));
    return mode == ServingMode.KEYED ? serve.withShards(parallelism) : serve;
  }

  /** The variant name in the report, e.g. "ServeModels keyed" or "ServeModels broadcast, Flink default bundles". */
  public String variant() {
    return "ServeModels " + modeName(mode) + (bundles == BundleSettings.APP ? "" : ", " + bundles.label());
  }

  /** "keyed" or "broadcast". */
  public static String modeName(ServingMode mode) {
    return mode.name().toLowerCase(Locale.ROOT);
  }
}

package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import java.util.List;

/**
 * Checks the serve options that name a choice or a limit, before anything starts: a bad value fails
 * at once with a one-line message naming the option and what it accepts, not after a Kafka
 * connection or deep inside the pipeline construction.
 */
public final class OptionChecks {
  private OptionChecks() {}

  /** @throws IllegalArgumentException naming the first bad option and the values it accepts */
  public static void check(ServingOptions o) {
    boolean fileMode = o.getInputFile() != null;
    ServingPipeline.servingMode(o, fileMode);
    ServingPipeline.swapPolicy(o);
    if ("hold".equalsIgnoreCase(o.getNoModelPolicy().trim())) {
      atLeast("--maxHeldRecords", o.getMaxHeldRecords(), 1);
      atLeast("--maxHoldSeconds", o.getMaxHoldSeconds(), 1);
    }
    ServingPipeline.noModelPolicy(o);
    OutputDelivery.of(o);
    if (!o.getResume().equals("latest") && !o.getResume().equals("none")) {
      throw new IllegalArgumentException("--resume must be latest or none, not '" + o.getResume() + "'");
    }
    // --dataFormat and --csvSeparator; in file mode the CSV columns come from the header row, read later
    ServingPipeline.recordSchema(o, fileMode ? List.of(o.getIdField()) : null);
    atLeast("--minBatchSize", o.getMinBatchSize(), 1);
    atLeast("--maxBatchSize", o.getMaxBatchSize(), o.getMinBatchSize(), " (--minBatchSize)");
    atLeast("--maxBatchWaitMillis", o.getMaxBatchWaitMillis(), 1);
    atLeast("--maxLoadedModels", o.getMaxLoadedModels(), 1);
    atLeast("--shards", o.getShards(), 0);
    atLeast("--maxModelsPerDataType", o.getMaxModelsPerDataType(), 1);
    if (fileMode) {
      FileServing.policies(o); // the policies, and the model files they name
    } else {
      PolicyOptions.from(o);
      KafkaClientConfig.from(o); // the properties file exists, the lists parse, no reserved setting
    }
  }

  private static void atLeast(String option, long value, long min) {
    atLeast(option, value, min, "");
  }

  private static void atLeast(String option, long value, long min, String what) {
    if (value < min) {
      throw new IllegalArgumentException(option + " must be at least " + min + what + ", was " + value);
    }
  }
}

package dev.modelserving.beam.benchmarks.policies;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.testdata.WineSchema;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The model messages of the policy suite: named copies of the benchmark models, and delay models. */
public final class PolicyModels {
  private PolicyModels() {}

  /**
   * {@code model} under another name (and its own uuid), so that a data type's set can hold several
   * copies of the same model: same bytes, same cost per record.
   */
  public static ModelDescriptor copy(ModelFiles files, BenchmarkModel model, String name) {
    return files.descriptor(model).toBuilder()
        .setName(name)
        .setUuid(uuid("policy-copy-" + model.id() + "-" + name))
        .build();
  }

  /** A {@link DelayModelFormat} model named {@code name} for data type {@code wine}. */
  public static ModelDescriptor delay(String name, LatencyDistribution latency) {
    String bytes = DelayModelFormat.bytes(latency.spec(), latency.seed(), name);
    return ModelDescriptor.newBuilder()
        .setName(name)
        .setDataType(WineSchema.DATA_TYPE)
        .setFormat(DelayModelFormat.ID)
        .setVersion("1")
        .setUuid(uuid("policy-delay-" + name + "-" + bytes))
        .setCreatedAtMillis(2L)
        .setModelBytes(ByteString.copyFrom(bytes, StandardCharsets.UTF_8))
        .build();
  }

  private static String uuid(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }
}

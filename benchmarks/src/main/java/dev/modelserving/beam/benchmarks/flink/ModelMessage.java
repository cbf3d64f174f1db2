package dev.modelserving.beam.benchmarks.flink;

/**
 * A model on the model stream of the native Flink job, addressed to one (data type, shard) key: the
 * model stream carries one copy per shard so every shard gets it (the tutorial's keyed model
 * stream). A Flink POJO; the model travels as bytes.
 */
public class ModelMessage {
  public String dataType;
  public int shard;
  public String name;
  public long version;
  /** {@code "pmml"} or {@code "tensorflow-saved-model"} (the zip of a SavedModel directory). */
  public String format;
  public byte[] bytes;

  public ModelMessage() {}

  public ModelMessage(String dataType, int shard, String name, long version, String format, byte[] bytes) {
    this.dataType = dataType;
    this.shard = shard;
    this.name = name;
    this.version = version;
    this.format = format;
    this.bytes = bytes;
  }

  /** Identifies the model: the same name and version is the same model on every shard. */
  public String modelId() {
    return name + "@" + version;
  }

  @Override
  public String toString() {
    return modelId() + " (" + format + ", " + (bytes == null ? 0 : bytes.length) + " bytes) for " + dataType + "/" + shard;
  }
}

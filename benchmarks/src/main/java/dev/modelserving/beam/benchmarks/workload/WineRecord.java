package dev.modelserving.beam.benchmarks.workload;

/**
 * A wine record in the native Flink job: a Flink POJO (public fields, no-argument constructor), so
 * Flink serializes it with its own field serializers (the features as a primitive {@code double[]})
 * and never falls back to Kryo.
 */
public class WineRecord {
  /** The data type, the first half of the key. */
  public String dataType;
  /** The shard of the data type, the second half of the key. */
  public int shard;
  /** The sequence number of the record in its run. */
  public long seq;
  /** {@code "red"} or {@code "white"}. */
  public String wineType;
  /** The eleven numeric features, in {@code WineSchema.NUMERIC_FEATURES} order. */
  public double[] features;

  public WineRecord() {}

  public WineRecord(String dataType, int shard, long seq, String wineType, double[] features) {
    this.dataType = dataType;
    this.shard = shard;
    this.seq = seq;
    this.wineType = wineType;
    this.features = features;
  }

  /** A copy that shares nothing with this record, for keeping it in state. */
  public WineRecord copy() {
    return new WineRecord(dataType, shard, seq, wineType, features == null ? null : features.clone());
  }

  @Override
  public String toString() {
    return dataType + "/" + shard + "#" + seq;
  }
}

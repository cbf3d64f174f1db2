package dev.modelserving.beam.benchmarks.flink;

import dev.modelserving.beam.benchmarks.workload.WineRecord;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import dev.modelserving.beam.testdata.WineSchema;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Turns the sequence numbers of a {@code DataGeneratorSource} into wine records: record {@code seq}
 * is workload wine {@code seq}, on shard {@code shards[seq mod shards.length]}. The workload is
 * rebuilt from its seed in each source instance.
 *
 * <p>The output record is reused: the source is followed by a keyBy, a network exchange that
 * serializes each record as soon as it is emitted, so nothing holds on to it (the job enables
 * object reuse for the same reason).
 */
final class WineRecordGenerator implements GeneratorFunction<Long, WineRecord> {
  private static final long serialVersionUID = 1L;

  private final long seed;
  private final int size;
  private final int[] shards;
  private transient WineWorkload workload;
  private transient WineRecord reused;

  WineRecordGenerator(long seed, int size, int[] shards) {
    this.seed = seed;
    this.size = size;
    this.shards = shards.clone();
  }

  @Override
  public void open(SourceReaderContext context) {
    workload = WineWorkload.redWines(seed, size);
    reused = new WineRecord();
    reused.dataType = WineSchema.DATA_TYPE;
    reused.wineType = WineWorkload.WINE_TYPE;
  }

  @Override
  public WineRecord map(Long seq) {
    long s = seq;
    reused.seq = s;
    reused.shard = shards[(int) (s % shards.length)];
    reused.features = workload.features(s);
    return reused;
  }
}

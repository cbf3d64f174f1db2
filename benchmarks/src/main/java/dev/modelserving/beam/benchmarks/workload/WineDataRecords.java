package dev.modelserving.beam.benchmarks.workload;

import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.pipeline.record.DataRecordCoder;
import dev.modelserving.beam.testdata.WineSchema;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * A Beam source of {@code count} wine {@link DataRecord}s (the serving application's record type)
 * from a {@link WineWorkload}: {@link GenerateSequence} numbers mapped to the workload's pre-parsed
 * records, so generating a record costs only the {@link DataRecord} itself.
 *
 * <pre>{@code
 * PCollection<DataRecord> wines = pipeline.apply(WineDataRecords.of(4_000_000));
 * }</pre>
 */
public final class WineDataRecords extends PTransform<PBegin, PCollection<DataRecord>> {
  private final long count;
  private final long seed;
  private final int size;

  private WineDataRecords(long count, long seed, int size) {
    if (count < 0) {
      throw new IllegalArgumentException("record count must not be negative, was " + count);
    }
    this.count = count;
    this.seed = seed;
    this.size = size;
  }

  /** {@code count} records of the {@linkplain WineWorkload#standard() standard workload}. */
  public static WineDataRecords of(long count) {
    return new WineDataRecords(count, WineWorkload.DEFAULT_SEED, WineWorkload.DEFAULT_SIZE);
  }

  /** {@code count} records of the workload of {@code size} red wines from {@code seed}. */
  public static WineDataRecords of(long count, long seed, int size) {
    return new WineDataRecords(count, seed, size);
  }

  @Override
  public PCollection<DataRecord> expand(PBegin input) {
    return input
        .apply("Sequence", GenerateSequence.from(0).to(count))
        .apply("ToWineRecords", ParDo.of(new ToRecordFn(seed, size)))
        .setCoder(DataRecordCoder.of());
  }

  /** Maps a sequence number to its record; the workload is rebuilt once per DoFn instance. */
  static final class ToRecordFn extends DoFn<Long, DataRecord> {
    private final long seed;
    private final int size;
    private transient WineWorkload workload;

    ToRecordFn(long seed, int size) {
      this.seed = seed;
      this.size = size;
    }

    @Setup
    public void setup() {
      workload = WineWorkload.redWines(seed, size);
    }

    @ProcessElement
    public void process(@Element Long seq, OutputReceiver<DataRecord> out) {
      out.output(workload.record(workload.id(seq), WineSchema.DATA_TYPE, seq));
    }
  }
}

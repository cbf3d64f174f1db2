package dev.modelserving.beam.benchmarks.latency;

import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.pipeline.record.DataRecordCoder;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.Locale;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * An unbounded stream of wine {@link DataRecord}s at a fixed rate ({@link PacedSequence}), each
 * carrying the time it was due in its id ({@link TimedIds}). Record {@code seq} is the workload's
 * wine {@code seq mod 1024}; with several data types, record {@code seq} has data type {@link
 * #dataType(long, int) dataType(seq, types)}.
 */
public final class TimedWineRecords extends PTransform<PBegin, PCollection<DataRecord>> {
  private final PacedSequence source;
  private final int dataTypes;

  private TimedWineRecords(PacedSequence source, int dataTypes) {
    this.source = source;
    this.dataTypes = dataTypes;
  }

  /** Records of data type {@code wine} at {@code ratePerSecond}. */
  public static TimedWineRecords at(double ratePerSecond) {
    return new TimedWineRecords(PacedSequence.at(ratePerSecond), 1);
  }

  /** This stream, waiting for {@code gate} to open. */
  public TimedWineRecords withGate(String gate) {
    return new TimedWineRecords(source.withGate(gate), dataTypes);
  }

  /** This stream, cycling through {@code n} data types ({@link #dataType(long, int)}). */
  public TimedWineRecords withDataTypes(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("need at least one data type, was " + n);
    }
    return new TimedWineRecords(source, n);
  }

  /** The data type of record {@code seq} among {@code types}: "wine", or "wine-000" ... with several. */
  public static String dataType(long seq, int types) {
    return types == 1 ? WineSchema.DATA_TYPE : typeName((int) Math.floorMod(seq, (long) types));
  }

  /** The name of data type {@code i} when there are several: "wine-007". */
  public static String typeName(int i) {
    return String.format(Locale.ROOT, "%s-%03d", WineSchema.DATA_TYPE, i);
  }

  @Override
  public PCollection<DataRecord> expand(PBegin input) {
    return input
        .apply("PacedSequence", Read.from(source))
        .apply("ToTimedWines", ParDo.of(new ToRecordFn(dataTypes)))
        .setCoder(DataRecordCoder.of());
  }

  /** Maps a (seq, due) pair to its wine record. */
  static final class ToRecordFn extends DoFn<KV<Long, Long>, DataRecord> {
    private final int dataTypes;
    private transient WineWorkload workload;

    ToRecordFn(int dataTypes) {
      this.dataTypes = dataTypes;
    }

    @Setup
    public void setup() {
      workload = WineWorkload.standard();
    }

    @ProcessElement
    public void process(@Element KV<Long, Long> due, OutputReceiver<DataRecord> out) {
      long seq = due.getKey();
      out.output(workload.record(TimedIds.of(seq, due.getValue()), dataType(seq, dataTypes), seq));
    }
  }
}

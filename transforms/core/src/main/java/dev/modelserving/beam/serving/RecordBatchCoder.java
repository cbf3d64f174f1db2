package dev.modelserving.beam.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import dev.modelserving.beam.record.BatchedCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.StructuredCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Encodes a {@link RecordBatch}: data type, count, the records' timestamps, then the records: all
 * together if the record coder is a {@link BatchedCoder}, else one by one.
 */
@SuppressWarnings("unchecked")
final class RecordBatchCoder<T> extends StructuredCoder<RecordBatch<T>> {
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final Coder<Integer> COUNT = VarIntCoder.of();
  private static final Coder<Long> MILLIS = VarLongCoder.of();
  private final Coder<T> recordCoder;

  private RecordBatchCoder(Coder<T> recordCoder) {
    this.recordCoder = recordCoder;
  }

  static <T> RecordBatchCoder<T> of(Coder<T> recordCoder) {
    return new RecordBatchCoder<>(recordCoder);
  }

  @Override
  public void encode(RecordBatch<T> batch, OutputStream out) throws IOException {
    STRING.encode(batch.dataType(), out);
    COUNT.encode(batch.size(), out);
    for (int i = 0; i < batch.size(); i++) {
      MILLIS.encode(batch.timestampMillis(i), out);
    }
    if (recordCoder instanceof BatchedCoder) {
      ((BatchedCoder<T>) recordCoder).encodeAll(batch.records(), out);
    } else {
      for (T record : batch.records()) {
        recordCoder.encode(record, out);
      }
    }
  }

  @Override
  public RecordBatch<T> decode(InputStream in) throws IOException {
    String dataType = STRING.decode(in);
    int n = COUNT.decode(in);
    if (n < 0) {
      throw new CoderException("negative record count " + n + " in a record batch");
    }
    long[] timestamps = new long[n];
    for (int i = 0; i < n; i++) {
      timestamps[i] = MILLIS.decode(in);
    }
    List<T> records;
    if (recordCoder instanceof BatchedCoder) {
      records = ((BatchedCoder<T>) recordCoder).decodeAll(n, in);
      if (records.size() != n) {
        throw new CoderException(recordCoder + " decoded " + records.size() + " records of a batch of " + n);
      }
    } else {
      records = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        records.add(recordCoder.decode(in));
      }
    }
    return new RecordBatch<>(dataType, records, timestamps);
  }

  @Override
  public List<? extends Coder<?>> getCoderArguments() {
    return List.of(recordCoder);
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    verifyDeterministic(this, "records must encode deterministically", recordCoder);
  }
}

package dev.modelserving.beam.serving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.joda.time.Instant;

/**
 * Records of one data type that travel, are held and are scored together: one shuffled element,
 * one state read and one model call for all of them. Each record keeps its own event timestamp.
 */
final class RecordBatch<T> {
  private final String dataType;
  private final List<T> records;
  private final long[] timestamps;

  RecordBatch(String dataType, List<T> records, long[] timestamps) {
    if (records.size() != timestamps.length) {
      throw new IllegalArgumentException(records.size() + " records but " + timestamps.length + " timestamps");
    }
    this.dataType = dataType;
    this.records = Collections.unmodifiableList(records);
    this.timestamps = timestamps;
  }

  String dataType() {
    return dataType;
  }

  List<T> records() {
    return records;
  }

  int size() {
    return records.size();
  }

  T record(int i) {
    return records.get(i);
  }

  /** The event timestamp of record {@code i}, in milliseconds. */
  long timestampMillis(int i) {
    return timestamps[i];
  }

  /** The earliest event timestamp in the batch. */
  Instant minTimestamp() {
    long min = Long.MAX_VALUE;
    for (long t : timestamps) {
      min = Math.min(min, t);
    }
    return new Instant(min);
  }

  /** Records {@code from} (inclusive) to {@code to} (exclusive) as a batch of their own. */
  RecordBatch<T> slice(int from, int to) {
    return new RecordBatch<>(dataType, records.subList(from, to), Arrays.copyOfRange(timestamps, from, to));
  }

  /** The records of several batches of one data type, in order, as one batch. */
  static <T> RecordBatch<T> concat(String dataType, List<RecordBatch<T>> batches) {
    int n = 0;
    for (RecordBatch<T> b : batches) {
      n += b.size();
    }
    List<T> records = new ArrayList<>(n);
    long[] timestamps = new long[n];
    int i = 0;
    for (RecordBatch<T> b : batches) {
      records.addAll(b.records);
      System.arraycopy(b.timestamps, 0, timestamps, i, b.size());
      i += b.size();
    }
    return new RecordBatch<>(dataType, records, timestamps);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RecordBatch)) {
      return false;
    }
    RecordBatch<?> b = (RecordBatch<?>) o;
    return dataType.equals(b.dataType) && records.equals(b.records) && Arrays.equals(timestamps, b.timestamps);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dataType, records, Arrays.hashCode(timestamps));
  }

  @Override
  public String toString() {
    return "RecordBatch(" + dataType + ", " + records.size() + " records)";
  }
}

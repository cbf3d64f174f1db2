package dev.modelserving.beam.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.ValueState;
import org.joda.time.Instant;

/**
 * Batches waiting in a key's state, with the count of their records and their earliest
 * timestamp kept beside them so that a check never reads the bag. Used for records held while no
 * model can score them, and for small batches waiting to fill.
 */
final class BatchBag<T> {
  private final BagState<RecordBatch<T>> bag;
  private final ValueState<Info> infoState;
  private Info info;
  private boolean infoRead;

  BatchBag(BagState<RecordBatch<T>> bag, ValueState<Info> infoState) {
    this.bag = bag;
    this.infoState = infoState;
  }

  /** Records waiting. */
  int count() {
    Info i = info();
    return i == null ? 0 : i.count;
  }

  boolean isEmpty() {
    return count() == 0;
  }

  /** The earliest event timestamp among the waiting records; only when not empty. */
  Instant minTimestamp() {
    return new Instant(info().minTimestampMillis);
  }

  void add(RecordBatch<T> batch) {
    Info i = info();
    long min = batch.minTimestamp().getMillis();
    info = i == null ? new Info(batch.size(), min) : new Info(i.count + batch.size(), Math.min(min, i.minTimestampMillis));
    infoState.write(info);
    bag.add(batch);
  }

  /** Removes and returns every waiting batch, in the order they were added. */
  List<RecordBatch<T>> drain() {
    List<RecordBatch<T>> all = new ArrayList<>();
    if (!isEmpty()) {
      bag.read().forEach(all::add);
    }
    bag.clear();
    infoState.clear();
    info = null;
    return all;
  }

  private Info info() {
    if (!infoRead) {
      info = infoState.read();
      infoRead = true;
    }
    return info;
  }

  /** The record count and earliest timestamp of a bag. */
  static final class Info {
    final int count;
    final long minTimestampMillis;

    Info(int count, long minTimestampMillis) {
      this.count = count;
      this.minTimestampMillis = minTimestampMillis;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Info && ((Info) o).count == count && ((Info) o).minTimestampMillis == minTimestampMillis;
    }

    @Override
    public int hashCode() {
      return 31 * count + Long.hashCode(minTimestampMillis);
    }
  }

  /** Encodes {@link Info}: the count, then the timestamp. */
  static final class InfoCoder extends AtomicCoder<Info> {
    private static final InfoCoder INSTANCE = new InfoCoder();

    static InfoCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Info value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.count, out);
      VarLongCoder.of().encode(value.minTimestampMillis, out);
    }

    @Override
    public Info decode(InputStream in) throws IOException {
      return new Info(VarIntCoder.of().decode(in), VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}

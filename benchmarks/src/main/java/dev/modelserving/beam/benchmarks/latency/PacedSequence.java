package dev.modelserving.beam.benchmarks.latency;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * An unbounded source of sequence numbers at a fixed rate, each with the time it was due: elements
 * are {@code KV(seq, dueNanos)}, {@code dueNanos} on this JVM's {@link System#nanoTime()} clock.
 *
 * <p>Element {@code k} of a split is due {@code k} periods after the split's reader starts (or
 * after its {@linkplain Gates gate} opens). A reader emits every element that is due and none
 * before, so when the pipeline falls behind, elements wait in the source and their latency, counted
 * from {@code dueNanos}, shows it: the load is open-loop, as a real stream's is. Splits share the
 * rate and take every n-th number. With a {@code limit} the source ends after {@code limit}
 * numbers.
 */
public final class PacedSequence extends UnboundedSource<KV<Long, Long>, PacedSequence.Position> {
  private static final long serialVersionUID = 1L;

  private final double ratePerSecond;
  private final long first;
  private final long stride;
  private final long limit;
  private final String gate;

  private PacedSequence(double ratePerSecond, long first, long stride, long limit, String gate) {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("the rate must be above 0 records a second, was " + ratePerSecond);
    }
    this.ratePerSecond = ratePerSecond;
    this.first = first;
    this.stride = stride;
    this.limit = limit;
    this.gate = gate;
  }

  /** Numbers 0, 1, 2, ... at {@code ratePerSecond}, without end. */
  public static PacedSequence at(double ratePerSecond) {
    return new PacedSequence(ratePerSecond, 0, 1, Long.MAX_VALUE, null);
  }

  /** This source, ending after {@code limit} numbers (0 to limit - 1). */
  public PacedSequence withLimit(long limit) {
    return new PacedSequence(ratePerSecond, first, stride, limit, gate);
  }

  /** This source, emitting nothing until {@code gate} is {@linkplain Gates#open opened}. */
  public PacedSequence withGate(String gate) {
    return new PacedSequence(ratePerSecond, first, stride, limit, gate);
  }

  @Override
  public List<PacedSequence> split(int desiredNumSplits, PipelineOptions options) {
    int n = Math.max(1, desiredNumSplits);
    List<PacedSequence> splits = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      splits.add(new PacedSequence(ratePerSecond / n, first + i * stride, stride * n, limit, gate));
    }
    return splits;
  }

  @Override
  public UnboundedReader<KV<Long, Long>> createReader(PipelineOptions options, Position position) {
    return new Reader(this, position == null ? 0 : position.next);
  }

  @Override
  public Coder<Position> getCheckpointMarkCoder() {
    return SerializableCoder.of(Position.class);
  }

  @Override
  public Coder<KV<Long, Long>> getOutputCoder() {
    return KvCoder.of(VarLongCoder.of(), VarLongCoder.of());
  }

  /** How far a split got: the index (within the split) of its next element. */
  public static final class Position implements CheckpointMark, Serializable {
    private static final long serialVersionUID = 1L;
    final long next;

    Position(long next) {
      this.next = next;
    }

    @Override
    public void finalizeCheckpoint() {}
  }

  /** Emits the elements of one split as they fall due. */
  static final class Reader extends UnboundedReader<KV<Long, Long>> {
    private final PacedSequence source;
    private final double periodNanos;
    private long next;
    private long startNanos = -1;
    private boolean done;
    private KV<Long, Long> current;
    private Instant timestamp;

    Reader(PacedSequence source, long next) {
      this.source = source;
      this.periodNanos = 1e9 / source.ratePerSecond;
      this.next = next;
    }

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      if (done || !Gates.isOpen(source.gate)) {
        return false;
      }
      long seq = source.first + next * source.stride;
      if (seq >= source.limit || seq < 0) {
        done = true;
        return false;
      }
      long now = System.nanoTime();
      if (startNanos < 0) {
        startNanos = now;
      }
      long due = startNanos + (long) (next * periodNanos);
      if (now < due) {
        return false;
      }
      current = KV.of(seq, due);
      timestamp = Instant.now();
      next++;
      return true;
    }

    @Override
    public KV<Long, Long> getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public Instant getCurrentTimestamp() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return timestamp;
    }

    @Override
    public Instant getWatermark() {
      return done ? BoundedWindow.TIMESTAMP_MAX_VALUE : Instant.now();
    }

    @Override
    public CheckpointMark getCheckpointMark() {
      return new Position(next);
    }

    @Override
    public UnboundedSource<KV<Long, Long>, ?> getCurrentSource() {
      return source;
    }

    @Override
    public void close() {}
  }
}

package dev.modelserving.beam.status;

import java.io.Serializable;

/**
 * What one model did with one batch, as a serving step reports it to the status stream: one
 * element per batch and model, not per record. {@code scored} counts the records it answered,
 * {@code won} those whose result its answer is, {@code failed} those it failed on; the latencies
 * are those of its model calls for the batch, in microseconds.
 */
public final class BatchStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String dataType;
  private final String uuid;
  private final long scored;
  private final long won;
  private final long failed;
  private final long calls;
  private final long latencyMinMicros;
  private final long latencyMaxMicros;
  private final long latencySumMicros;

  public BatchStats(String dataType, String uuid, long scored, long won, long failed, long calls,
      long latencyMinMicros, long latencyMaxMicros, long latencySumMicros) {
    this.dataType = dataType;
    this.uuid = uuid;
    this.scored = scored;
    this.won = won;
    this.failed = failed;
    this.calls = calls;
    this.latencyMinMicros = latencyMinMicros;
    this.latencyMaxMicros = latencyMaxMicros;
    this.latencySumMicros = latencySumMicros;
  }

  public String getDataType() {
    return dataType;
  }

  /** The model's uuid. */
  public String getUuid() {
    return uuid;
  }

  public long getScored() {
    return scored;
  }

  public long getWon() {
    return won;
  }

  public long getFailed() {
    return failed;
  }

  /** The model calls the latencies cover (0: none answered, e.g. the model timed out). */
  public long getCalls() {
    return calls;
  }

  public long getLatencyMinMicros() {
    return latencyMinMicros;
  }

  public long getLatencyMaxMicros() {
    return latencyMaxMicros;
  }

  public long getLatencySumMicros() {
    return latencySumMicros;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BatchStats)) {
      return false;
    }
    BatchStats b = (BatchStats) o;
    return dataType.equals(b.dataType) && uuid.equals(b.uuid) && scored == b.scored && won == b.won
        && failed == b.failed && calls == b.calls && latencyMinMicros == b.latencyMinMicros
        && latencyMaxMicros == b.latencyMaxMicros && latencySumMicros == b.latencySumMicros;
  }

  @Override
  public int hashCode() {
    return uuid.hashCode() * 31 + (int) scored;
  }

  @Override
  public String toString() {
    return "BatchStats(" + dataType + ", " + uuid + ": scored " + scored + ", won " + won + ", failed " + failed
        + ", " + calls + " call(s) " + latencyMinMicros + ".." + latencyMaxMicros + " µs)";
  }
}

package dev.modelserving.beam.benchmarks.latency;

/**
 * Record ids that carry the time a record was due to be sent: {@code <seq>:<dueNanos>}, the due
 * time on this JVM's {@link System#nanoTime()} clock. The serving pipeline copies the id to its
 * output, so whoever sees the output in this JVM can tell how long the record took.
 */
public final class TimedIds {
  private TimedIds() {}

  /** The id of record {@code seq} due at {@code dueNanos}. */
  public static String of(long seq, long dueNanos) {
    return seq + ":" + dueNanos;
  }

  /** The due time an id carries. */
  public static long dueNanos(CharSequence id) {
    int colon = -1;
    for (int i = 0; i < id.length(); i++) {
      if (id.charAt(i) == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      throw new IllegalArgumentException("not a timed record id (<seq>:<nanos>): " + id);
    }
    return Long.parseLong(id, colon + 1, id.length(), 10);
  }
}

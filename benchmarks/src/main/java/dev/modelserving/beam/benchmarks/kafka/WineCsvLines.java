package dev.modelserving.beam.benchmarks.kafka;

import dev.modelserving.beam.benchmarks.latency.TimedIds;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.Map;

/**
 * The workload's wines as CSV lines in the serving application's default column order ({@link
 * WineSchema#COLUMNS}), rendered once: a line is its timed id ({@link TimedIds}) followed by the
 * pre-rendered rest, so making one costs a string concatenation.
 */
public final class WineCsvLines {
  private final String[] rests;

  private WineCsvLines(String[] rests) {
    this.rests = rests;
  }

  /** The lines of a workload. */
  public static WineCsvLines of(WineWorkload workload) {
    String[] rests = new String[workload.size()];
    for (int i = 0; i < rests.length; i++) {
      Map<String, Object> fields = workload.fields(i);
      StringBuilder s = new StringBuilder();
      for (String column : WineSchema.COLUMNS) {
        if (column.equals(WineSchema.ID)) {
          continue;
        }
        s.append(',').append(fields.get(column));
      }
      rests[i] = s.toString();
    }
    return new WineCsvLines(rests);
  }

  /** The line of record {@code seq}, due at {@code dueNanos}. */
  public String line(long seq, long dueNanos) {
    return TimedIds.of(seq, dueNanos) + rests[(int) Math.floorMod(seq, (long) rests.length)];
  }
}

package dev.modelserving.beam.benchmarks.flink;

import dev.modelserving.beam.benchmarks.workload.WineRecord;

/**
 * A loaded model of the native Flink job (the tutorial's {@code Model}): built once from a {@link
 * ModelMessage}, then scores records. An instance is used by one task thread only, so it may keep
 * scratch objects between calls.
 */
public interface NativeModel extends AutoCloseable {

  /** Scores {@code record} into {@code out} (its value or label; the caller sets the rest). */
  void score(WineRecord record, ScoredWine out) throws Exception;

  /** Releases native memory and temporary files. */
  @Override
  void close();
}

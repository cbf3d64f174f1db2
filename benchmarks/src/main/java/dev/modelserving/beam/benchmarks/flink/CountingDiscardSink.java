package dev.modelserving.beam.benchmarks.flink;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;

/** Counts what reaches it (an accumulator, reported with the job's result) and drops it. */
@SuppressWarnings("deprecation") // SinkFunction: the simplest sink that can use an accumulator
final class CountingDiscardSink extends RichSinkFunction<ScoredWine> {
  private static final long serialVersionUID = 1L;
  /** The accumulator with the number of scored records. */
  static final String SCORED = "scored";

  private transient LongCounter scored;

  @Override
  public void open(OpenContext context) {
    scored = getRuntimeContext().getLongCounter(SCORED);
  }

  @Override
  public void invoke(ScoredWine value, Context context) {
    scored.add(1L);
  }
}

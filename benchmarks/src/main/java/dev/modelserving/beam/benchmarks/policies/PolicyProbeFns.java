package dev.modelserving.beam.benchmarks.policies;

import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.ScoredRecord;
import org.apache.beam.sdk.transforms.DoFn;

/** The DoFns that report a paced policy pipeline's records to its {@link PolicyProbe}. */
final class PolicyProbeFns {
  private PolicyProbeFns() {}

  /** Before ServeModels: counts each record (by due time) and passes it on. */
  static final class CountInputFn extends DoFn<DataRecord, DataRecord> {
    private final String probe;
    private transient PolicyProbe target;

    CountInputFn(String probe) {
      this.probe = probe;
    }

    @Setup
    public void setup() {
      target = PolicyProbe.named(probe);
    }

    @ProcessElement
    public void process(@Element DataRecord record, OutputReceiver<DataRecord> out) {
      target.input(record);
      out.output(record);
    }
  }

  /** After ServeModels: records each scored (or review) record's latency and decision, and drops it. */
  static final class ObserveFn extends DoFn<ScoredRecord<DataRecord>, Void> {
    private final String probe;
    private final boolean review;
    private transient PolicyProbe target;

    ObserveFn(String probe, boolean review) {
      this.probe = probe;
      this.review = review;
    }

    @Setup
    public void setup() {
      target = PolicyProbe.named(probe);
    }

    @ProcessElement
    public void process(@Element ScoredRecord<DataRecord> scored) {
      target.output(scored, review, System.nanoTime(), System.currentTimeMillis());
    }
  }

  /** Counts dead letters and unserved records (keeping a few reasons), and drops them. */
  static final class CountFailureFn extends DoFn<DeadLetter, Void> {
    private final String probe;
    private transient PolicyProbe target;

    CountFailureFn(String probe) {
      this.probe = probe;
    }

    @Setup
    public void setup() {
      target = PolicyProbe.named(probe);
    }

    @ProcessElement
    public void process(@Element DeadLetter failed) {
      target.failure(failed);
    }
  }
}

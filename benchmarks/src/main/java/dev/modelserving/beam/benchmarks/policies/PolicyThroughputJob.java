package dev.modelserving.beam.benchmarks.policies;

import dev.modelserving.beam.benchmarks.serve.FlinkLocal;
import dev.modelserving.beam.benchmarks.serve.ServingSetup;
import dev.modelserving.beam.benchmarks.workload.WineDataRecords;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.ServingOptions;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.DecisionTrace;
import dev.modelserving.beam.record.ModelAnswer;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.ServingMetrics;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * One bounded run of {@code ServeModels} under a serving policy on the local Flink mini-cluster,
 * like the serve suite's {@code ServeJob}: {@code n} wine records scored by a set of models (a
 * {@code Create} of their descriptors); the scored, review, shadow-comparison, dead-letter and
 * unserved outputs are counted (Beam counters) and dropped. Attached: {@link #run} returns when
 * the job has ended.
 */
public final class PolicyThroughputJob {
  static final String NAMESPACE = "benchmarks-policies";

  private PolicyThroughputJob() {}

  /**
   * What one run did.
   *
   * @param servingCounters the library's counters of the run, by name (e.g. {@code
   *     wine/wine-tree-a@1/won})
   * @param failureReasons dead letters and unserved records by reason
   * @param notAnswering answered records by a consulted model that did not answer them, its status and
   *     reason, from the decision traces (e.g. {@code wine-tree-b skipped: still busy ...})
   */
  public record Outcome(long records, long scored, long review, long comparisons, long deadLettered,
      long unserved, double seconds, Map<String, Long> servingCounters, Map<String, Long> failureReasons,
      Map<String, Long> notAnswering) {

    /**
     * Whether every record came out (scored, review, dead letter or unserved: none lost). Shadow
     * comparisons are not required: records served while the shadow still loads are not compared, and
     * a short run may end before it has loaded.
     */
    public boolean complete() {
      return scored + review + deadLettered + unserved == records;
    }

    /** Whether every record was answered (scored or review). */
    public boolean allAnswered() {
      return scored + review == records && deadLettered == 0 && unserved == 0;
    }

    /** What came out, for an error message. */
    public String describe() {
      return String.format(Locale.ROOT,
          "of %,d records: %,d scored, %,d review, %,d shadow comparisons, %,d dead-lettered, %,d unserved",
          records, scored, review, comparisons, deadLettered, unserved);
    }

    /**
     * Model scorings per record: every answer a model gave (the per-model {@code scored} counters, the
     * shadow comparisons) over the records; 1 for a run served by one model outside the policy path.
     */
    public double scoringsPerRecord() {
      long scorings = 0;
      for (Map.Entry<String, Long> c : servingCounters.entrySet()) {
        String name = c.getKey();
        if (name.contains("@") && (name.endsWith("/" + ServingMetrics.MODEL_SCORED)
            || name.endsWith("/" + ServingMetrics.SHADOW_AGREED) || name.endsWith("/" + ServingMetrics.SHADOW_DISAGREED))) {
          scorings += c.getValue();
        }
      }
      return records == 0 ? Double.NaN : (scorings == 0 ? scored + review : scorings) / (double) records;
    }

    /** The per-model counters of one event ({@code won}, {@code timed-out}, ...), by model name. */
    public Map<String, Long> byModel(String event) {
      Map<String, Long> out = new TreeMap<>();
      for (Map.Entry<String, Long> c : servingCounters.entrySet()) {
        String name = c.getKey();
        int at = name.indexOf('@');
        if (at > 0 && name.endsWith("/" + event)) {
          String model = name.substring(name.indexOf('/') + 1, at);
          out.merge(model, c.getValue(), Long::sum);
        }
      }
      return out;
    }
  }

  /** Scores {@code n} records with {@code models} under {@code policy} as {@code setup} says, and waits for the end. */
  public static Outcome run(List<ModelDescriptor> models, ServingPolicy policy, ServingSetup setup, long n) {
    ServingOptions options = FlinkLocal.options(setup.parallelism(), setup.bundles(), true);
    options.setJobName("policy-" + policy.name() + "-p" + setup.parallelism() + "-" + System.nanoTime());
    Pipeline pipeline = Pipeline.create(options);
    PCollection<DataRecord> records = pipeline.apply("Wines", WineDataRecords.of(n));
    ServeModels.Result<DataRecord> served = records.apply("ServeModels",
        PolicyPipelines.serveModels(setup, policy, PolicyPipelines.models(pipeline, models)));
    served.getScored().apply("CountScored", ParDo.of(new CountFn<>("scored")));
    served.getReview().apply("CountReview", ParDo.of(new CountFn<>("review")));
    served.getShadowComparisons().apply("CountComparisons", ParDo.of(new CountFn<>("comparisons")));
    String run = "policy-run-" + System.nanoTime();
    REASONS.put(run, new ConcurrentHashMap<>());
    served.getDeadLetters().apply("CountDeadLetters", ParDo.of(new CountFn<>("dead-letters")));
    served.getUnserved().apply("CountUnserved", ParDo.of(new CountFn<>("unserved")));
    served.getDeadLetters().apply("DeadLetterReasons", ParDo.of(new ReasonFn(run)));
    served.getUnserved().apply("UnservedReasons", ParDo.of(new ReasonFn(run)));
    String traces = run + "-traces";
    REASONS.put(traces, new ConcurrentHashMap<>());
    served.getScored().apply("NotAnsweringScored", ParDo.of(new NotAnsweringFn(traces)));
    served.getReview().apply("NotAnsweringReview", ParDo.of(new NotAnsweringFn(traces)));
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the ServeModels job ended in state " + state + " instead of DONE");
    }
    Map<String, Long> ours = counters(result, NAMESPACE);
    return new Outcome(n, ours.getOrDefault("scored", 0L), ours.getOrDefault("review", 0L),
        ours.getOrDefault("comparisons", 0L), ours.getOrDefault("dead-letters", 0L),
        ours.getOrDefault("unserved", 0L), seconds, counters(result, ServingMetrics.NAMESPACE), take(run),
        take(traces));
  }

  private static Map<String, Long> take(String key) {
    Map<String, Long> out = new TreeMap<>();
    Map<String, LongAdder> counts = REASONS.remove(key);
    if (counts != null) {
      counts.forEach((k, v) -> out.put(k, v.sum()));
    }
    return out;
  }

  /** Counts, per run, the consulted models that did not answer a record, by status and reason. */
  static final class NotAnsweringFn extends DoFn<ScoredRecord<DataRecord>, Void> {
    private final String key;

    NotAnsweringFn(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element ScoredRecord<DataRecord> scored) {
      DecisionTrace trace = scored.getTraceIfConsulted();
      if (trace == null) {
        return;
      }
      for (ModelAnswer a : trace.getAnswers()) {
        if (a.getStatus() != ModelAnswer.Status.ANSWERED) {
          Map<String, LongAdder> counts = REASONS.get(key);
          if (counts != null) {
            String why = a.getModelName() + " " + a.getStatus().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (a.getFailure() == null ? "" : ": " + a.getFailure());
            counts.computeIfAbsent(why, w -> new LongAdder()).increment();
          }
        }
      }
    }
  }

  /** Dead-letter and unserved reasons of the runs in progress in this JVM, by run, then by reason. */
  private static final Map<String, Map<String, LongAdder>> REASONS = new ConcurrentHashMap<>();

  /** Records, per run, how many records failed for each reason (the mini-cluster runs in this JVM). */
  static final class ReasonFn extends DoFn<DeadLetter, Void> {
    private final String run;

    ReasonFn(String run) {
      this.run = run;
    }

    @ProcessElement
    public void process(@Element DeadLetter failed) {
      Map<String, LongAdder> reasons = REASONS.get(run);
      if (reasons != null) {
        String reason = failed.getStage() + ": " + failed.getReason();
        reasons.computeIfAbsent(reason.length() > 200 ? reason.substring(0, 200) + "…" : reason,
            r -> new LongAdder()).increment();
      }
    }
  }

  /** Every counter of a namespace, by name, summed over steps. */
  private static Map<String, Long> counters(PipelineResult result, String namespace) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.inNamespace(namespace)).build());
    Map<String, Long> out = new TreeMap<>();
    for (MetricResult<Long> c : metrics.getCounters()) {
      out.merge(c.getName().getName(), c.getAttempted() == null ? 0 : c.getAttempted(), Long::sum);
    }
    return out;
  }

  /** Counts what reaches it in a counter of {@value #NAMESPACE} and drops it. */
  static final class CountFn<T> extends DoFn<T, Void> {
    private final Counter counter;
    private transient long pending;

    CountFn(String name) {
      this.counter = Metrics.counter(NAMESPACE, name);
    }

    @StartBundle
    public void start() {
      pending = 0;
    }

    @ProcessElement
    public void process(@Element T element) {
      pending++;
    }

    @FinishBundle
    public void finish() {
      counter.inc(pending);
      pending = 0;
    }
  }
}

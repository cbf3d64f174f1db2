package dev.modelserving.beam.benchmarks.policies;

import dev.modelserving.beam.benchmarks.latency.LatencyHistogram;
import dev.modelserving.beam.benchmarks.latency.TimedIds;
import dev.modelserving.beam.benchmarks.report.LatencySummary;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.DecisionTrace;
import dev.modelserving.beam.record.ModelAnswer;
import dev.modelserving.beam.record.ScoredRecord;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a paced policy pipeline did to the records <em>due</em> in a measurement window: how many
 * entered ServeModels, how many came out scored or for review, their end-to-end latency (out − due)
 * and the time from the batch's start of serving to the output, which decision rule answered them,
 * and how each consulted model ended (answered, timed out, skipped). Counting by due time, not by
 * output time, means a record that comes out late still counts in its window, and one that never
 * comes out shows as missing.
 *
 * <p>Per-JVM, by name, like {@link dev.modelserving.beam.benchmarks.latency.LatencyCollectors}: the
 * pipeline's DoFns (in the local Flink mini-cluster, inside this JVM) record, the suite opens
 * windows and reads them.
 */
public final class PolicyProbe {
  private static final Map<String, PolicyProbe> PROBES = new ConcurrentHashMap<>();
  private static final PolicyProbe DISCARD = new PolicyProbe("discard");

  private final String name;
  private final AtomicReference<Window> window = new AtomicReference<>(new Window(Long.MAX_VALUE, Long.MAX_VALUE));
  private final AtomicLong failures = new AtomicLong();
  private final java.util.Set<String> reasons = ConcurrentHashMap.newKeySet();

  private PolicyProbe(String name) {
    this.name = name;
  }

  /** Opens a probe with a new unique name; no window is open yet. */
  public static PolicyProbe open() {
    String name = "policy-probe-" + System.nanoTime() + "-" + PROBES.size();
    PolicyProbe probe = new PolicyProbe(name);
    PROBES.put(name, probe);
    return probe;
  }

  /** The probe of this name, or a discarding one when it is closed (a cancelled pipeline may still emit). */
  static PolicyProbe named(String name) {
    PolicyProbe probe = PROBES.get(name);
    return probe != null ? probe : DISCARD;
  }

  public String name() {
    return name;
  }

  /** Forgets the probe; later records go nowhere. */
  public void close() {
    PROBES.remove(name);
  }

  /** Starts a new window of the records due from {@code fromNanos} on, open-ended; returns it. */
  public Window startWindow(long fromNanos) {
    Window w = new Window(fromNanos, Long.MAX_VALUE);
    window.set(w);
    return w;
  }

  /** The current window. */
  public Window window() {
    return window.get();
  }

  /** Dead letters and unserved records seen since the probe opened, in or out of a window. */
  public long failures() {
    return failures.get();
  }

  // ---- called by the pipeline ------------------------------------------------------------------

  void input(DataRecord record) {
    Window w = window.get();
    long due = TimedIds.dueNanos(record.getId());
    if (w.covers(due)) {
      w.inputs.increment();
    }
  }

  void output(ScoredRecord<DataRecord> scored, boolean review, long nowNanos, long nowMillis) {
    Window w = window.get();
    long due = TimedIds.dueNanos(scored.getInput().getId());
    if (!w.covers(due)) {
      return;
    }
    (review ? w.review : w.scored).increment();
    w.endToEnd.recordNanos(nowNanos - due);
    w.step.recordMicros(Math.max(0, nowMillis - scored.getServedAtMillis()) * 1_000);
    w.count(w.decisions, scored.getDecision());
    DecisionTrace trace = scored.getTraceIfConsulted();
    if (trace != null) {
      for (ModelAnswer a : trace.getAnswers()) {
        w.count(w.outcomes, a.getModelName() + " " + a.getStatus().name().toLowerCase(Locale.ROOT).replace('_', ' '));
      }
    }
  }

  void failure(DeadLetter failed) {
    failures.incrementAndGet();
    if (reasons.size() < 3) {
      reasons.add(failed.getStage() + ": " + failed.getReason());
    }
    Window w = window.get();
    String id = failed.getPayload();
    if (id != null && id.indexOf(':') > 0 && w.covers(TimedIds.dueNanos(id))) {
      w.failures.increment();
    }
  }

  /** Up to three reasons of the dead letters and unserved records. */
  public java.util.Set<String> failureReasons() {
    return java.util.Set.copyOf(reasons);
  }

  /**
   * The records due in {@code [from, to)}: inputs, outputs, their latencies and decisions. Safe to
   * record into from many threads; read it once its records have come out.
   */
  public static final class Window {
    private final long from;
    private volatile long to;
    final LongAdder inputs = new LongAdder();
    final LongAdder scored = new LongAdder();
    final LongAdder review = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LatencyHistogram endToEnd = new LatencyHistogram();
    final LatencyHistogram step = new LatencyHistogram();
    final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    Window(long from, long to) {
      this.from = from;
      this.to = to;
    }

    /** Whether a record due at {@code due} belongs to the window. */
    boolean covers(long due) {
      return due >= from && due < to;
    }

    /** Closes the window at {@code toNanos}: records due later no longer count. */
    public void end(long toNanos) {
      to = toNanos;
    }

    private void count(Map<String, LongAdder> map, String key) {
      map.computeIfAbsent(key == null ? "?" : key, k -> new LongAdder()).increment();
    }

    /** Records due in the window that reached ServeModels. */
    public long inputs() {
      return inputs.sum();
    }

    /** Records due in the window that came out scored or for review. */
    public long answered() {
      return scored.sum() + review.sum();
    }

    public long review() {
      return review.sum();
    }

    /** Records due in the window that came out as dead letters or unserved. */
    public long failures() {
      return failures.sum();
    }

    /**
     * The serving step's percentiles in whole milliseconds: it is measured on a millisecond clock, and
     * the histogram's buckets (under 1 ms wide below 128 ms) only round its values up.
     */
    public LatencySummary stepSummary() {
      LatencySummary s = step.summary();
      return new LatencySummary(s.count(), Math.floor(s.p50()), Math.floor(s.p99()), Math.floor(s.p999()),
          Math.floor(s.max()));
    }

    /** Per record: the time it came out minus the time it was due at the source. */
    public LatencyHistogram endToEnd() {
      return endToEnd;
    }

    /**
     * Per record: the time it came out minus the time its batch started being served ({@code
     * ScoredRecord.getServedAtMillis}), in whole milliseconds (so up to 1 ms off either way).
     */
    public LatencyHistogram step() {
      return step;
    }

    /** Records by decision ({@code ScoredRecord.getDecision()}, e.g. {@code speculative/fast}). */
    public Map<String, Long> decisions() {
      return snapshot(decisions);
    }

    /** Records by consulted model and its status in the trace, e.g. {@code "wine-slow timed out"}. */
    public Map<String, Long> outcomes() {
      return snapshot(outcomes);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> map) {
      Map<String, Long> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }
  }
}

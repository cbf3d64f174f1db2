package dev.modelserving.beam.benchmarks.policies;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelFormat;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A benchmark-only model format (id {@value #ID}) whose every batch call takes a controlled,
 * seeded latency: a stand-in for a model that is sometimes slower than a latency budget. The model
 * bytes are text, {@code latency=2ms:90,40ms:10;seed=7;label=slow}: the {@link LatencyDistribution}
 * of a call, its seed, and the constant answer (a {@code label}, or a {@code value}; default the
 * label {@code "delay"}). Registered through {@code META-INF/services}, so a {@code ModelDescriptor}
 * with this format loads in any pipeline that has the benchmarks module on its classpath.
 *
 * <p>Call {@code k} of a loaded model (counted from the load, over every thread) waits {@code
 * LatencyDistribution.nanosOf(k)}: parked for all but the last {@value #SPIN_NANOS} ns, then spun,
 * so the wait is close to exact without keeping a core busy.
 */
public final class DelayModelFormat implements ModelFormat {
  /** The format id of the model messages. */
  public static final String ID = "benchmark-delay";
  /** How much of a wait is spun rather than parked, for precision. */
  static final long SPIN_NANOS = 100_000;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Scorer load(ModelDescriptor descriptor) throws ModelLoadException {
    Map<String, String> terms = terms(descriptor.getModelBytes().toString(StandardCharsets.UTF_8));
    if (!terms.containsKey("latency")) {
      throw new ModelLoadException(ID + " model bytes need latency=<latency:weight,...>, e.g. latency=2ms:90,40ms:10");
    }
    try {
      LatencyDistribution latency = LatencyDistribution.parse(terms.get("latency"),
          Long.parseLong(terms.getOrDefault("seed", "1")));
      ModelOutput answer = terms.containsKey("value")
          ? ModelOutput.value(Double.parseDouble(terms.get("value")))
          : ModelOutput.label(terms.getOrDefault("label", "delay"), Map.of());
      return new DelayScorer(latency, answer);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(ID + " model bytes are wrong: " + e.getMessage());
    }
  }

  /** The bytes of a model with this latency distribution, seed and answer label. */
  public static String bytes(String latency, long seed, String label) {
    return "latency=" + latency + ";seed=" + seed + ";label=" + label;
  }

  static Map<String, String> terms(String text) throws ModelLoadException {
    Map<String, String> terms = new LinkedHashMap<>();
    for (String term : text.split(";")) {
      if (term.isBlank()) {
        continue;
      }
      String[] kv = term.split("=", 2);
      if (kv.length != 2) {
        throw new ModelLoadException(ID + " term '" + term + "' is not name=value");
      }
      terms.put(kv[0].trim(), kv[1].trim());
    }
    return terms;
  }

  /** Waits {@code nanos}: parks for most of it, then spins to the deadline. */
  static void waitNanos(long nanos) {
    long deadline = System.nanoTime() + nanos;
    long left;
    while ((left = deadline - System.nanoTime()) > SPIN_NANOS) {
      LockSupport.parkNanos(left - SPIN_NANOS);
    }
    while (deadline - System.nanoTime() > 0) {
      Thread.onSpinWait();
    }
  }

  /** A loaded delay model: a counter of calls and the distribution their latencies come from. */
  static final class DelayScorer implements Scorer {
    private final LatencyDistribution latency;
    private final ModelOutput answer;
    private final AtomicLong calls = new AtomicLong();

    DelayScorer(LatencyDistribution latency, ModelOutput answer) {
      this.latency = latency;
      this.answer = answer;
    }

    @Override
    public List<String> requiredFields() {
      return List.of();
    }

    @Override
    public ModelOutput score(Features features) {
      waitNanos(latency.nanosOf(calls.getAndIncrement()));
      return answer;
    }

    @Override
    public BatchScores scoreBatch(List<Features> batch) {
      waitNanos(latency.nanosOf(calls.getAndIncrement()));
      BatchScores scores = BatchScores.of(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        scores.setOutput(i, answer);
      }
      return scores;
    }

    /** Calls made so far. */
    long calls() {
      return calls.get();
    }

    @Override
    public void close() {}
  }
}

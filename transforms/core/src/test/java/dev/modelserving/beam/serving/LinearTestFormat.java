package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.InvalidRecordException;
import dev.modelserving.beam.model.ModelFormat;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real, test-only model format found through {@link java.util.ServiceLoader}: the model bytes are
 * UTF-8 text {@code bias=1.0;x=2.0;y=-1.0}, and the score is {@code bias + sum(weight * feature)}.
 *
 * <p>For the engine's tests it also: stamps every output with field {@value #CALL}, a number unique
 * to the {@link Scorer#scoreBatch} call that produced it (so a test sees which records were scored
 * together); takes {@code sleep=<ms>} as a term that makes the load take that long; and counts the
 * loads and closes of every model uuid in this JVM.
 */
public final class LinearTestFormat implements ModelFormat {
  public static final String ID = "test-linear";
  /** The output field that numbers the model call a record was scored in. */
  public static final String CALL = "call";

  private static final String BIAS = "bias";
  private static final String SLEEP = "sleep";
  private static final AtomicLong CALLS = new AtomicLong();
  private static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> CLOSES = new ConcurrentHashMap<>();

  @Override
  public String id() {
    return ID;
  }

  /** How many times this JVM loaded the model with this uuid. */
  public static int loads(String uuid) {
    return LOADS.getOrDefault(uuid, new AtomicInteger()).get();
  }

  /** How many times this JVM closed the model with this uuid. */
  public static int closes(String uuid) {
    return CLOSES.getOrDefault(uuid, new AtomicInteger()).get();
  }

  @Override
  public Scorer load(ModelDescriptor descriptor) throws ModelLoadException {
    String text = descriptor.getModelBytes().toString(StandardCharsets.UTF_8).trim();
    double bias = 0;
    long sleepMillis = 0;
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String term : text.split(";")) {
      String[] kv = term.split("=", -1);
      if (kv.length != 2 || kv[0].isBlank()) {
        throw new ModelLoadException("test-linear model term '" + term + "' is not name=weight");
      }
      double w;
      try {
        w = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        throw new ModelLoadException(
            "test-linear weight of '" + kv[0].trim() + "' is not a number: '" + kv[1] + "'");
      }
      String name = kv[0].trim();
      if (name.equals(BIAS)) {
        bias = w;
      } else if (name.equals(SLEEP)) {
        sleepMillis = (long) w;
      } else {
        weights.put(name, w);
      }
    }
    if (sleepMillis > 0) {
      try {
        Thread.sleep(sleepMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ModelLoadException("interrupted while loading");
      }
    }
    LOADS.computeIfAbsent(descriptor.getUuid(), u -> new AtomicInteger()).incrementAndGet();
    return new LinearScorer(descriptor.getUuid(), bias, weights);
  }

  /** Scores with fixed arrays built once at load time. */
  private static final class LinearScorer implements Scorer {
    private final String uuid;
    private final double bias;
    private final String[] fields;
    private final double[] weights;
    private final AtomicBoolean closed = new AtomicBoolean();

    LinearScorer(String uuid, double bias, Map<String, Double> byField) {
      this.uuid = uuid;
      this.bias = bias;
      this.fields = byField.keySet().toArray(new String[0]);
      this.weights = byField.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public List<String> requiredFields() {
      return new ArrayList<>(List.of(fields));
    }

    @Override
    public ModelOutput score(Features features) throws InvalidRecordException {
      return ModelOutput.value(sum(features));
    }

    @Override
    public BatchScores scoreBatch(List<Features> batch) {
      if (closed.get()) {
        throw new IllegalStateException("model " + uuid + " was closed while it still scored");
      }
      long call = CALLS.incrementAndGet();
      BatchScores scores = BatchScores.of(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        try {
          scores.setOutput(i, ModelOutput.builder().value(sum(batch.get(i))).field(CALL, call).build());
        } catch (InvalidRecordException e) {
          scores.setFailure(i, e.getMessage());
        }
      }
      return scores;
    }

    private double sum(Features features) throws InvalidRecordException {
      double sum = bias;
      for (int i = 0; i < fields.length; i++) {
        sum += weights[i] * features.getNumber(fields[i]);
      }
      return sum;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        CLOSES.computeIfAbsent(uuid, u -> new AtomicInteger()).incrementAndGet();
      }
    }
  }
}

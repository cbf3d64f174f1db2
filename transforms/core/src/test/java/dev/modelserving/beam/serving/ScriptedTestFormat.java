package dev.modelserving.beam.serving;

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

/**
 * A test-only model format whose answer and latency are set by its bytes, so that policy tests are
 * deterministic: {@code label=red;p=0.8;value=3.5;confidence=0.9;delay=200}. Every record gets the
 * same answer: the label (with probability {@code p} for it and {@code 1-p} for {@code "other"}),
 * the value and a {@code confidence} field, each only if given; every batch call first sleeps
 * {@code delay} milliseconds.
 */
public final class ScriptedTestFormat implements ModelFormat {
  public static final String ID = "test-scripted";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Scorer load(ModelDescriptor descriptor) throws ModelLoadException {
    Map<String, String> terms = new LinkedHashMap<>();
    for (String term : descriptor.getModelBytes().toString(StandardCharsets.UTF_8).split(";")) {
      String[] kv = term.split("=", 2);
      if (kv.length != 2) {
        throw new ModelLoadException("test-scripted term '" + term + "' is not name=value");
      }
      terms.put(kv[0].trim(), kv[1].trim());
    }
    ModelOutput.Builder answer = ModelOutput.builder();
    if (terms.containsKey("value")) {
      answer.value(Double.parseDouble(terms.get("value")));
    }
    if (terms.containsKey("label")) {
      String label = terms.get("label");
      answer.label(label);
      if (terms.containsKey("p")) {
        double p = Double.parseDouble(terms.get("p"));
        Map<String, Double> probabilities = new LinkedHashMap<>();
        probabilities.put(label, p);
        probabilities.put("other", 1 - p);
        answer.probabilities(probabilities);
      }
    }
    if (terms.containsKey("confidence")) {
      answer.field("confidence", Double.parseDouble(terms.get("confidence")));
    }
    long delayMillis = Long.parseLong(terms.getOrDefault("delay", "0"));
    return new ScriptedScorer(answer.build(), delayMillis);
  }

  private static final class ScriptedScorer implements Scorer {
    private final ModelOutput answer;
    private final long delayMillis;

    ScriptedScorer(ModelOutput answer, long delayMillis) {
      this.answer = answer;
      this.delayMillis = delayMillis;
    }

    @Override
    public List<String> requiredFields() {
      return List.of();
    }

    @Override
    public ModelOutput score(Features features) {
      return answer;
    }

    @Override
    public BatchScores scoreBatch(List<Features> batch) {
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      BatchScores scores = BatchScores.of(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        scores.setOutput(i, answer);
      }
      return scores;
    }

    @Override
    public void close() {}
  }
}

package dev.modelserving.beam.serving;

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

/**
 * A real, test-only model format found through {@link java.util.ServiceLoader}: the model bytes are
 * UTF-8 text {@code bias=1.0;x=2.0;y=-1.0}, and the score is {@code bias + sum(weight * feature)}.
 */
public final class LinearTestFormat implements ModelFormat {
  public static final String ID = "test-linear";
  private static final String BIAS = "bias";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Scorer load(ModelDescriptor descriptor) throws ModelLoadException {
    String text = descriptor.getModelBytes().toString(StandardCharsets.UTF_8).trim();
    double bias = 0;
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
      if (kv[0].trim().equals(BIAS)) {
        bias = w;
      } else {
        weights.put(kv[0].trim(), w);
      }
    }
    return new LinearScorer(bias, weights);
  }

  /** Scores with fixed arrays built once at load time. */
  private static final class LinearScorer implements Scorer {
    private final double bias;
    private final String[] fields;
    private final double[] weights;

    LinearScorer(double bias, Map<String, Double> byField) {
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
      double sum = bias;
      for (int i = 0; i < fields.length; i++) {
        sum += weights[i] * features.getNumber(fields[i]);
      }
      return ModelOutput.value(sum);
    }

    @Override
    public void close() {}
  }
}

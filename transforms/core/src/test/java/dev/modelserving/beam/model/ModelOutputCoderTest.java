package dev.modelserving.beam.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class ModelOutputCoderTest {
  private static ModelOutput full() {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("medium", 0.5);
    p.put("low", 0.3);
    p.put("high", 0.2);
    return ModelOutput.builder().label("medium").probabilities(p)
        .field("probability(medium)", 0.5).field("leaf", "node-7").field("count", 3).build();
  }

  @Test
  void encodesEveryPartAndKeepsTheModelsOrder() throws Exception {
    for (ModelOutput o : new ModelOutput[] {
        ModelOutput.value(5.5), ModelOutput.label("red", null), full(), ModelOutput.builder().build()}) {
      CoderProperties.coderDecodeEncodeEqual(ModelOutputCoder.of(), o);
      CoderProperties.coderDeterministic(ModelOutputCoder.of(), o, o);
    }
    ModelOutput decoded = org.apache.beam.sdk.util.CoderUtils.clone(ModelOutputCoder.of(), full());
    assertThat(decoded.getProbabilities().keySet(), contains("medium", "low", "high"));
    assertThat(decoded.getFields().keySet(), contains("probability(medium)", "leaf", "count"));
  }

  @Test
  void coderIsSerializable() {
    CoderProperties.coderSerializable(ModelOutputCoder.of());
  }
}

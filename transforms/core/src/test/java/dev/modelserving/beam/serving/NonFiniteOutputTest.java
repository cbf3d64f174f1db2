package dev.modelserving.beam.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.ModelOutput;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's check of every batch result: an output with a non-finite number is a failure, named. */
class NonFiniteOutputTest {
  @Test
  void outputsWithANonFiniteValueProbabilityOrFieldBecomeFailuresNamingIt() {
    Map<String, Double> badProbabilities = new LinkedHashMap<>();
    badProbabilities.put("low", 0.5);
    badProbabilities.put("high", Double.NaN);
    BatchScores scores = BatchScores.of(5);
    scores.setOutput(0, ModelOutput.value(5.5));
    scores.setOutput(1, ModelOutput.value(Double.POSITIVE_INFINITY));
    scores.setOutput(2, ModelOutput.label("low", badProbabilities));
    scores.setOutput(3, ModelOutput.builder().value(1.0).field("margin", Double.NEGATIVE_INFINITY).field("name", "x").build());
    scores.setFailure(4, "refused");

    BatchServer.refuseNonFinite(scores);

    assertTrue(scores.isScored(0));
    assertNull(scores.failure(0));
    assertFalse(scores.isScored(1));
    assertEquals("the model's output is not a finite number: value Infinity", scores.failure(1));
    assertEquals("the model's output is not a finite number: probability of 'high' NaN", scores.failure(2));
    assertEquals("the model's output is not a finite number: field 'margin' -Infinity", scores.failure(3));
    assertEquals("refused", scores.failure(4));
  }
}

package dev.modelserving.beam.benchmarks.policies;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.BatchScores;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark-only delay format: found by ServiceLoader, answers every record, takes the drawn latency. */
class DelayModelFormatTest {

  @Test
  void theFormatIsRegisteredAndLoadsADelayModel() throws Exception {
    assertThat(ModelFormats.forId(DelayModelFormat.ID), instanceOf(DelayModelFormat.class));
    ModelDescriptor d = PolicyModels.delay("wine-slow", LatencyDistribution.parse("1ms", 1));
    assertThat(d.getFormat(), equalTo(DelayModelFormat.ID));
    assertThat(d.getName(), equalTo("wine-slow"));
    try (Scorer scorer = ModelFormats.load(d, List.of("alcohol"))) {
      BatchScores scores = scorer.scoreBatch(List.of(Features.builder().build(), Features.builder().build()));
      assertThat(scores.size(), equalTo(2));
      assertThat(scores.output(1).getLabel(), equalTo("wine-slow"));
    }
  }

  @Test
  void eachBatchCallTakesTheLatencyOfItsNumber() throws Exception {
    LatencyDistribution latency = LatencyDistribution.parse("1ms:50,30ms:50", 5);
    try (Scorer scorer = ModelFormats.load(PolicyModels.delay("slow", latency))) {
      long slowest = 30_000_000L;
      for (int k = 0; k < 9; k++) {
        long start = System.nanoTime();
        scorer.scoreBatch(List.of(Features.builder().build()));
        long took = System.nanoTime() - start;
        long drawn = latency.nanosOf(k);
        assertThat("call " + k + " waits at least its latency", took, greaterThanOrEqualTo(drawn));
        if (k > 0 && drawn < slowest) { // call 0 also loads classes; a busy machine delays any call a little
          assertThat("fast call " + k + " is quicker than the slow latency", took, lessThan(slowest));
        }
      }
      assertThat(((DelayModelFormat.DelayScorer) scorer).calls(), equalTo(9L));
    }
  }

  @Test
  void waitsAreCloseToExact() {
    for (long nanos : new long[] {200_000, 2_000_000, 5_000_000}) {
      long start = System.nanoTime();
      DelayModelFormat.waitNanos(nanos);
      long took = System.nanoTime() - start;
      assertThat(took, greaterThanOrEqualTo(nanos));
      assertThat(took, lessThan(nanos + 10_000_000L)); // generous: the machine may be busy
    }
  }

  @Test
  void badBytesAreRefusedWithTheReason() {
    ModelDescriptor noLatency = PolicyModels.delay("slow", LatencyDistribution.parse("1ms", 1)).toBuilder()
        .setModelBytes(ByteString.copyFromUtf8("seed=3")).build();
    assertThat(assertThrows(ModelLoadException.class, () -> ModelFormats.load(noLatency)).getMessage(),
        containsString("latency="));
    ModelDescriptor badWeight = noLatency.toBuilder().setModelBytes(ByteString.copyFromUtf8("latency=2ms:-1")).build();
    assertThat(assertThrows(ModelLoadException.class, () -> ModelFormats.load(badWeight)).getMessage(),
        containsString("above 0"));
  }
}

package dev.modelserving.beam.training;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.modelserving.beam.training.sgd.Standardizer;
import dev.modelserving.beam.training.sgd.Weights;
import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/** The trainer's checkpointed state survives its coder, before and after the first mini-batch. */
class TrainerStateCoderTest {
  @Test
  void roundTripsEveryField() throws Exception {
    TrainerState fresh = TrainerState.initial(LabelledLines.spec("d"));
    TrainerState trained = new TrainerState(12, "12", "uuid-12", new Standardizer(new double[] {1, 2},
        new double[] {3, 4}), new Weights(new double[][] {{0.5, -0.25}}, new double[] {0.125}, 17), 3400, 120,
        1000, 2000, 2, List.of(new Example(new double[] {1, 2}, 1, true, 5), new Example(new double[] {3, 4}, 0, true, 6)));
    for (TrainerState s : List.of(fresh, trained)) {
      CoderProperties.coderDecodeEncodeEqual(TrainerStateCoder.of(), s);
    }
    TrainerState decoded = CoderUtils.decodeFromByteArray(TrainerStateCoder.of(),
        CoderUtils.encodeToByteArray(TrainerStateCoder.of(), trained));
    assertThat(decoded.holdout.size(), equalTo(2));
    assertThat(decoded.weights.updates(), equalTo(17L));
    assertThat(decoded.standardizer.scale(1), equalTo(4.0));
  }
}

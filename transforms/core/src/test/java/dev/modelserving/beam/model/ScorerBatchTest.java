package dev.modelserving.beam.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The default batch call scores record by record, and a bad record fails alone. */
class ScorerBatchTest {
  /** Doubles field x; refuses records without it; throws on x = 13. */
  private static final Scorer DOUBLER = new Scorer() {
    @Override
    public List<String> requiredFields() {
      return List.of("x");
    }

    @Override
    public ModelOutput score(Features f) throws InvalidRecordException {
      double x = f.getNumber("x");
      if (x == 13) {
        throw new IllegalStateException("unlucky");
      }
      return ModelOutput.value(2 * x);
    }

    @Override
    public void close() {}
  };

  @Test
  void defaultBatchCallGivesOneResultPerRecordInOrder() {
    List<Features> batch = List.of(
        Features.builder().put("x", 1).build(),
        Features.builder().put("y", 1).build(),
        Features.builder().put("x", "one").build(),
        Features.builder().put("x", 13).build(),
        Features.builder().put("x", 4).build());

    BatchScores scores = DOUBLER.scoreBatch(batch);

    assertThat(scores.size(), is(5));
    assertThat(scores.output(0), equalTo(ModelOutput.value(2)));
    assertThat(scores.failure(0), nullValue());
    assertThat(scores.isScored(1), is(false));
    assertThat(scores.failure(1), containsString("missing feature 'x'"));
    assertThat(scores.failure(2), containsString("must be numeric but is 'one'"));
    assertThat(scores.failure(3), containsString("unlucky"));
    assertThat(scores.output(4), equalTo(ModelOutput.value(8)));
  }

  @Test
  void aRecordWithNeitherOutputNorReasonReportsNoOutput() {
    BatchScores scores = BatchScores.of(1);
    assertThat(scores.isScored(0), is(false));
    assertThat(scores.failure(0), containsString("no output"));
  }
}

package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The one line a command prints for a failure: its message and the deepest cause's, on one line. */
class FailureSummaryTest {
  @Test
  void namesTheFailureAndItsRootCauseOnOneLine() {
    Exception wrapped = new RuntimeException("pipeline failed",
        new IllegalStateException("step Score failed", new IOException("disk full\nsecond line")));
    assertThat(FailureSummary.of(wrapped),
        equalTo("RuntimeException: pipeline failed: caused by IOException: disk full"));
  }

  @Test
  void aFailureWithoutCauseOrMessageIsNamedByItsType() {
    assertThat(FailureSummary.of(new NullPointerException()), equalTo("NullPointerException"));
  }
}

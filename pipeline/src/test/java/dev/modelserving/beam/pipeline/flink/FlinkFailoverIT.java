package dev.modelserving.beam.pipeline.flink;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kill -9} of the TaskManager of a standalone cluster mid-stream, then a new TaskManager
 * ({@link FailoverCheck} with its defaults: 200 records/s, exactly-once output, parallelism 2):
 * every record id comes out exactly once, the records after recovery are scored by the model the
 * checkpoint held, nothing is unserved, and the recovery does not wait for a crashed worker's Kafka
 * transaction to time out.
 */
class FlinkFailoverIT {
  @Test
  @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
  void aKilledTaskManagerLosesAndDuplicatesNothing() throws Exception {
    FailoverCheck.Outcome o = FailoverCheck.run(FailoverCheck.Settings.defaults(), ClusterScript.repoRoot(), System.out);
    System.out.println(o.describe());

    assertThat("lost", o.lost(), empty());
    assertEquals(Map.of(), o.duplicates(), "written twice");
    assertEquals(o.sent(), o.distinct());
    assertThat(o.sent(), greaterThan(5_000));
    assertEquals(0, o.deadLetters(), "dead letters (unserved records among them)");
    assertEquals(Set.of(o.publishedModel()), o.modelsBeforeKill());
    assertEquals(Set.of(o.publishedModel()), o.modelsAfterKill(), "the model after recovery came from the checkpoint");
    assertThat("recovered at all", o.recoveryMillis(), greaterThan(0L));
    // a crashed worker's open transaction is fenced by the new producer, not waited out (10 s timeout)
    assertThat("recovery time, ms", o.recoveryMillis(), lessThan(40_000L));
  }
}

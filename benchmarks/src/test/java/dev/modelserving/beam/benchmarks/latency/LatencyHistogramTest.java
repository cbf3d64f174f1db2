package dev.modelserving.beam.benchmarks.latency;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.benchmarks.report.LatencySummary;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Percentiles by nearest rank: exact for small values, within 0.8% above, never above the maximum. */
class LatencyHistogramTest {

  @Test
  void smallValuesGiveExactNearestRankPercentiles() {
    LatencyHistogram h = new LatencyHistogram();
    for (long v = 1; v <= 200; v++) {
      h.recordMicros(v);
    }
    assertThat(h.count(), equalTo(200L));
    assertThat("rank ceil(0.5 × 200) = 100", h.percentileMicros(50), equalTo(100L));
    assertThat("rank ceil(0.99 × 200) = 198", h.percentileMicros(99), equalTo(198L));
    assertThat(h.percentileMicros(100), equalTo(200L));
    assertThat(h.percentileMicros(0.1), equalTo(1L));
    assertThat(h.minMicros(), equalTo(1L));
    assertThat(h.maxMicros(), equalTo(200L));
  }

  @Test
  void largeValuesAreWithinTheBucketPrecisionAndNeverAboveTheMaximum() {
    LatencyHistogram h = new LatencyHistogram();
    for (long ms = 1; ms <= 1000; ms++) {
      h.recordMicros(ms * 1_000);
    }
    assertThat((double) h.percentileMicros(50), closeTo(500_000, 500_000 / 128.0));
    assertThat(h.percentileMicros(50), greaterThanOrEqualTo(500_000L));
    assertThat((double) h.percentileMicros(99), closeTo(990_000, 990_000 / 128.0));
    assertThat((double) h.percentileMicros(99.9), closeTo(999_000, 999_000 / 128.0));
    assertThat(h.percentileMicros(99.9), lessThanOrEqualTo(1_000_000L));
    LatencySummary s = h.summary();
    assertThat(s.count(), equalTo(1000L));
    assertThat(s.p50(), closeTo(500, 4));
    assertThat(s.max(), equalTo(1000.0));
  }

  @Test
  void everyValueFallsInsideItsBucket() {
    Random random = new Random(1);
    for (int i = 0; i < 100_000; i++) {
      long v = random.nextInt(4) == 0 ? random.nextInt(1000) : (long) Math.exp(random.nextDouble() * 40);
      int index = LatencyHistogram.index(v);
      long upper = LatencyHistogram.upperBound(index);
      long lower = index == 0 ? 0 : LatencyHistogram.upperBound(index - 1) + 1;
      assertThat(v + " in bucket " + index, v >= lower && v <= upper, equalTo(true));
      assertThat("bucket width of " + v, (double) (upper - lower + 1), lessThanOrEqualTo(Math.max(1, v / 128.0 + 1)));
    }
    assertThat(LatencyHistogram.upperBound(LatencyHistogram.index(Long.MAX_VALUE)), equalTo(Long.MAX_VALUE));
  }

  @Test
  void p999NeedsAThousandSamplesAndEmptyHistogramsSayNothing() {
    LatencyHistogram h = new LatencyHistogram();
    assertThat(Double.isNaN(h.summary().p50()), equalTo(true));
    assertThat(h.percentileMicros(99), equalTo(0L));
    for (int i = 0; i < 999; i++) {
      h.recordNanos(2_000_000);
    }
    assertThat(Double.isNaN(h.summary().p999()), equalTo(true));
    assertThat(h.summary().p99(), equalTo(2.0));
    h.recordNanos(-5);
    assertThat("negative durations count as zero", h.minMicros(), equalTo(0L));
    assertThat(h.summary().p999(), equalTo(2.0));
    assertThrows(IllegalArgumentException.class, () -> h.percentileMicros(0));
    assertThrows(IllegalArgumentException.class, () -> h.percentileMicros(101));
  }

  @Test
  void recordsFromManyThreadsAtOnce() throws Exception {
    LatencyHistogram h = new LatencyHistogram();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 1; i <= 25_000; i++) {
          h.recordMicros(i % 100);
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(h.count(), equalTo(100_000L));
    assertThat(h.percentileMicros(50), equalTo(49L));
    assertThat(h.maxMicros(), equalTo(99L));
  }
}

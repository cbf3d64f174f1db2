package dev.modelserving.beam.benchmarks.policies;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The slow model's call latencies: seeded, reproducible, in the proportions asked for. */
class LatencyDistributionTest {

  private static long[] draws(LatencyDistribution d, int n) {
    long[] out = new long[n];
    for (int k = 0; k < n; k++) {
      out[k] = d.nanosOf(k);
    }
    return out;
  }

  @Test
  void theSameSeedGivesTheSameLatenciesAndAnotherSeedOthers() {
    long[] a = draws(LatencyDistribution.parse("2ms:90,40ms:10", 7), 1_000);
    long[] b = draws(LatencyDistribution.parse("2ms:90,40ms:10", 7), 1_000);
    long[] c = draws(LatencyDistribution.parse("2ms:90,40ms:10", 8), 1_000);
    assertThat(Arrays.equals(a, b), equalTo(true));
    assertThat("another seed draws another sequence", Arrays.equals(a, c), equalTo(false));
  }

  @Test
  void aCallsLatencyDependsOnlyOnTheSeedAndItsNumber() {
    LatencyDistribution d = LatencyDistribution.parse("2ms:90,40ms:10", 7);
    long[] forward = draws(d, 500);
    for (int k = 499; k >= 0; k--) {
      assertThat("call " + k + " drawn in any order", d.nanosOf(k), equalTo(forward[k]));
    }
  }

  @Test
  void latenciesComeInTheProportionsOfTheWeights() {
    LatencyDistribution d = LatencyDistribution.parse("2ms:90,40ms:10", 7);
    int n = 200_000;
    int slow = 0;
    for (long v : draws(d, n)) {
      assertThat(v == 2_000_000L || v == 40_000_000L, equalTo(true));
      slow += v == 40_000_000L ? 1 : 0;
    }
    assertThat("10% of the calls take 40 ms", slow / (double) n, closeTo(0.10, 0.003));
    LatencyDistribution three = LatencyDistribution.parse("1ms:1, 5ms:2, 10ms:1", 3);
    int[] counts = new int[3];
    for (long v : draws(three, n)) {
      counts[v == 1_000_000L ? 0 : v == 5_000_000L ? 1 : 2]++;
    }
    assertThat(counts[0] / (double) n, closeTo(0.25, 0.005));
    assertThat(counts[1] / (double) n, closeTo(0.50, 0.005));
    assertThat(counts[2] / (double) n, closeTo(0.25, 0.005));
  }

  @Test
  void theDrawsAreUniform() {
    int[] deciles = new int[10];
    for (int k = 0; k < 100_000; k++) {
      double u = LatencyDistribution.uniform(42, k);
      assertThat(u, greaterThanOrEqualTo(0.0));
      assertThat(u, lessThan(1.0));
      deciles[(int) (u * 10)]++;
    }
    for (int count : deciles) {
      assertThat(count / 100_000.0, closeTo(0.1, 0.005));
    }
    assertThat(LatencyDistribution.uniform(42, 0), not(equalTo(LatencyDistribution.uniform(43, 0))));
  }

  @Test
  void summariesOfTheDistribution() {
    LatencyDistribution d = LatencyDistribution.parse("2ms:90,40ms:10", 7);
    assertThat(d.describe(), equalTo("90% 2 ms, 10% 40 ms"));
    assertThat(d.shareAbove(20_000_000L), closeTo(0.10, 1e-12));
    assertThat(d.shareAbove(1_000_000L), closeTo(1.0, 1e-12));
    assertThat(d.shareAbove(40_000_000L), closeTo(0.0, 1e-12));
    assertThat(d.meanNanos(), closeTo(5_800_000.0, 1e-3));
    assertThat(d.spec(), equalTo("2ms:90,40ms:10"));
    assertThat(LatencyDistribution.parse("500us:1,1.5s:3", 1).describe(), equalTo("25% 0.5 ms, 75% 1500 ms"));
  }

  @Test
  void unitsAndMistakes() {
    assertThat(LatencyDistribution.nanos("2ms"), equalTo(2_000_000L));
    assertThat(LatencyDistribution.nanos("2"), equalTo(2_000_000L));
    assertThat(LatencyDistribution.nanos("250us"), equalTo(250_000L));
    assertThat(LatencyDistribution.nanos("1.5s"), equalTo(1_500_000_000L));
    assertThat("one latency without a weight takes every call",
        LatencyDistribution.parse("7ms", 1).nanosOf(123), equalTo(7_000_000L));
    assertThat(assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.parse("2ms:0", 1))
        .getMessage(), containsString("above 0"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.parse("fast:1", 1))
        .getMessage(), containsString("not a latency"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.parse(" ", 1))
        .getMessage(), containsString("at least one"));
  }
}

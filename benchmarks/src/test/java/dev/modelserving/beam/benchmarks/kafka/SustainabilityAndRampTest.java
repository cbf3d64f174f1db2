package dev.modelserving.beam.benchmarks.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules that decide whether a rate was sustained, and the ramp that finds the highest one. */
class SustainabilityAndRampTest {

  @Test
  void aWindowIsSustainedWhenEverythingCameOutWithBoundedSteadyLag() {
    Sustainability.Verdict ok = Sustainability.judge(10_000, 8, 80_000, 80_000, 20, 25, 1_000);
    assertThat(ok.sustainable(), equalTo(true));
    assertThat(ok.reason(), equalTo(""));
  }

  @Test
  void eachRuleCanFailAWindowAndSaysWhy() {
    assertThat(Sustainability.judge(10_000, 8, 70_000, 70_000, 20, 25, 1_000).reason(),
        containsString("generator sent only 70,000 of 80,000"));
    assertThat(Sustainability.judge(10_000, 8, 80_000, 79_990, 20, 25, 1_000).reason(),
        containsString("10 of 80,000 records sent did not come out"));
    assertThat(Sustainability.judge(10_000, 8, 80_000, 80_000, 900, 1_200, 1_000).reason(),
        containsString("lag not bounded"));
    assertThat(Sustainability.judge(10_000, 8, 80_000, 80_000, 150, 450, 1_000).reason(),
        containsString("lag growing: p99 150 ms in the first quarter, 450 ms in the last"));
    assertThat("no latency at all is no evidence", Sustainability.judge(
        10_000, 8, 80_000, 80_000, Double.NaN, Double.NaN, 1_000).sustainable(), equalTo(false));
  }

  @Test
  void theRampStepsUpUntilAFailureThenBisects() throws Exception {
    List<Double> tried = new ArrayList<>();
    RateRamp.Result r = new RateRamp(5_000, 1.5, 1_000_000, 2).run(rate -> {
      tried.add(rate);
      return rate <= 40_000;
    });
    // 5000, 7500, 11250, 16875, 25312.5, 37968.75 ok; 56953.125 fails; then 47460.9 (no), 42714.8 (no)
    assertThat(tried.size(), equalTo(9));
    assertThat(r.sustainable(), closeTo(37_968.75, 0.01));
    assertThat(r.failed(), closeTo(42_714.84, 0.01));
    assertThat(r.cappedAtMax(), equalTo(false));
    assertThat(r.steps(), equalTo(9));
  }

  @Test
  void theRampStopsAtItsMaximumAndReportsWhenNothingPassed() throws Exception {
    RateRamp.Result capped = new RateRamp(10_000, 2, 50_000, 2).run(rate -> true);
    assertThat(capped.sustainable(), equalTo(50_000.0));
    assertThat(capped.cappedAtMax(), equalTo(true));
    assertThat(capped.steps(), equalTo(4)); // 10k, 20k, 40k, 50k

    RateRamp.Result none = new RateRamp(10_000, 2, 50_000, 2).run(rate -> false);
    assertThat(none.sustainable(), equalTo(0.0));
    assertThat("the start and three steps down", none.steps(), equalTo(4));
    assertThat(none.failed(), equalTo(1_250.0));

    RateRamp.Result down = new RateRamp(10_000, 2, 50_000, 1).run(rate -> rate <= 3_000);
    // 10k no; 5k no; 2.5k ok; then 3.75k no
    assertThat(down.sustainable(), equalTo(2_500.0));
    assertThat(down.failed(), equalTo(3_750.0));
    assertThat(down.steps(), equalTo(4));

    RateRamp.Result bisected = new RateRamp(10_000, 2, 80_000, 3).run(rate -> rate < 30_000);
    // 10k, 20k ok, 40k no; 30k no, 25k ok, 27.5k ok
    assertThat(bisected.sustainable(), equalTo(27_500.0));
    assertThat(bisected.failed(), equalTo(30_000.0));
    assertThrows(IllegalArgumentException.class, () -> new RateRamp(10_000, 1, 80_000, 3));
  }

  @Test
  void aWindowCountsOnlyItsOwnRecordsAndSplitsThemIntoQuarters() {
    MeasurementWindow w = new MeasurementWindow(1_000_000_000L, 5_000_000_000L);
    w.sent(999_999_999L);
    w.sent(1_000_000_000L);
    w.sent(4_999_999_999L);
    w.sent(5_000_000_000L);
    assertThat(w.sent(), equalTo(2L));
    w.received(1_000_000_000L, 1_002_000_000L); // 2 ms, first quarter
    w.received(4_999_999_999L, 5_049_999_999L); // 50 ms, last quarter
    w.received(6_000_000_000L, 6_001_000_000L); // not in the window
    assertThat(w.received(), equalTo(2L));
    assertThat(w.quarter(0).summary().p99(), equalTo(2.0));
    assertThat(w.quarter(3).summary().p99(), closeTo(50, 0.4));
    assertThat(w.quarter(1).count(), equalTo(0L));
    assertThat(w.seconds(), equalTo(4.0));
  }
}

package dev.modelserving.beam.benchmarks.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic behind every figure: medians, percentiles, marginal throughput. */
class StatsAndMarginalThroughputTest {

  @Test
  void medianOfOddAndEvenSamples() {
    assertThat(Stats.median(List.of(5.0, 1.0, 3.0)), equalTo(3.0));
    assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0)), equalTo(2.5));
    assertThat(Stats.median(List.of(7.0)), equalTo(7.0));
  }

  @Test
  void percentilesInterpolateBetweenRanks() {
    List<Double> v = List.of(10.0, 20.0, 30.0, 40.0, 50.0);
    assertThat(Stats.percentile(v, 0), equalTo(10.0));
    assertThat(Stats.percentile(v, 100), equalTo(50.0));
    assertThat(Stats.percentile(v, 25), equalTo(20.0));
    assertThat(Stats.percentile(v, 90), closeTo(46.0, 1e-12));
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(List.of(), 50));
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(v, 101));
  }

  @Test
  void startUpCancelsOut() {
    // 2 s of start-up, then 1M records a second: 1M records take 3 s, 4M take 6 s.
    MarginalThroughput m = MarginalThroughput.of(1_000_000, List.of(3.0), 4_000_000, List.of(6.0));
    assertThat(m.isValid(), is(true));
    assertThat(m.recordsPerSecond(), closeTo(1_000_000, 1e-6));
    assertThat(m.note(), equalTo(""));
  }

  @Test
  void usesTheMedianTimesAndReportsTheSpreadOfSinglePairs() {
    MarginalThroughput m = MarginalThroughput.of(
        1_000, List.of(1.0, 1.2, 5.0), 3_000, List.of(2.0, 2.2, 5.5));
    // medians 1.2 and 2.2: 2000 records in 1 s
    assertThat(m.recordsPerSecond(), closeTo(2_000, 1e-9));
    // pairs: 2000/1.0, 2000/1.0, 2000/0.5
    assertThat(m.low(), closeTo(2_000, 1e-9));
    assertThat(m.high(), closeTo(4_000, 1e-9));
  }

  @Test
  void aLargerRunThatIsNotSlowerGivesNoFigure() {
    MarginalThroughput m = MarginalThroughput.of(1_000, List.of(3.0), 4_000, List.of(2.5));
    assertThat(m.isValid(), is(false));
    assertThat(Double.isNaN(m.recordsPerSecond()), is(true));
    assertThat(m.note(), containsString("not measurable"));
  }

  @Test
  void rejectsSizesAndRunsThatDoNotFit() {
    assertThrows(IllegalArgumentException.class,
        () -> MarginalThroughput.of(4_000, List.of(1.0), 1_000, List.of(2.0)));
    assertThrows(IllegalArgumentException.class,
        () -> MarginalThroughput.of(1_000, List.of(1.0, 2.0), 4_000, List.of(2.0)));
  }
}

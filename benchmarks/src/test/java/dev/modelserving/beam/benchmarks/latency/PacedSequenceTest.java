package dev.modelserving.beam.benchmarks.latency;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

/** The paced source emits elements as they fall due and never before, split by stride, gated and limited. */
class PacedSequenceTest {

  private static List<KV<Long, Long>> readFor(UnboundedSource.UnboundedReader<KV<Long, Long>> reader, long millis)
      throws Exception {
    List<KV<Long, Long>> out = new ArrayList<>();
    long end = System.nanoTime() + millis * 1_000_000;
    boolean more = reader.start();
    while (System.nanoTime() < end) {
      if (more) {
        KV<Long, Long> e = reader.getCurrent();
        assertThat("never emitted before it is due", e.getValue(), lessThanOrEqualTo(System.nanoTime()));
        out.add(e);
      } else {
        Thread.sleep(1);
      }
      more = reader.advance();
    }
    return out;
  }

  @Test
  void emitsAtTheRateWithDueTimesOnePeriodApart() throws Exception {
    PacedSequence source = PacedSequence.at(1_000);
    List<KV<Long, Long>> got = readFor(source.createReader(PipelineOptionsFactory.create(), null), 300);
    assertThat(got.size(), greaterThanOrEqualTo(250));
    assertThat(got.size(), lessThanOrEqualTo(302));
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i).getKey(), equalTo((long) i));
      if (i > 0) {
        long gap = got.get(i).getValue() - got.get(i - 1).getValue();
        assertThat("1 ms apart", Math.abs(gap - 1_000_000), lessThanOrEqualTo(1L));
      }
    }
  }

  @Test
  void splitsShareTheRateAndTakeEveryNthNumber() throws Exception {
    List<PacedSequence> splits = PacedSequence.at(2_000).withLimit(10).split(2, PipelineOptionsFactory.create());
    assertThat(splits.size(), equalTo(2));
    List<KV<Long, Long>> even = readFor(splits.get(0).createReader(PipelineOptionsFactory.create(), null), 100);
    List<KV<Long, Long>> odd = readFor(splits.get(1).createReader(PipelineOptionsFactory.create(), null), 100);
    assertThat(even.stream().map(KV::getKey).toList(), equalTo(List.of(0L, 2L, 4L, 6L, 8L)));
    assertThat(odd.stream().map(KV::getKey).toList(), equalTo(List.of(1L, 3L, 5L, 7L, 9L)));
    long gap = even.get(1).getValue() - even.get(0).getValue();
    assertThat("each split at half the rate: 1 ms apart", Math.abs(gap - 1_000_000), lessThanOrEqualTo(1L));
  }

  @Test
  void aGatedSourceWaitsForItsGateAndALimitedOneEnds() throws Exception {
    String gate = Gates.newGate();
    UnboundedSource.UnboundedReader<KV<Long, Long>> reader =
        PacedSequence.at(10_000).withLimit(3).withGate(gate).createReader(PipelineOptionsFactory.create(), null);
    assertThat(readFor(reader, 30).size(), equalTo(0));
    Gates.open(gate);
    List<KV<Long, Long>> got = new ArrayList<>();
    long end = System.nanoTime() + 50_000_000L;
    while (System.nanoTime() < end) {
      if (reader.advance()) {
        got.add(reader.getCurrent());
      }
    }
    assertThat(got.size(), equalTo(3));
    assertThat("the watermark moves to the end once the limit is reached",
        reader.getWatermark().isAfter(org.joda.time.Instant.now().plus(1_000_000)), equalTo(true));
    Gates.remove(gate);
  }
}

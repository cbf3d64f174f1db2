package dev.modelserving.beam.training;

import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;

/** Lines as a {@link TestStream}: line i at {@code T0 + i * stepMillis}, then the watermark to infinity. */
final class TimedLines {
  static final Instant T0 = new Instant(1_700_000_000_000L);

  private TimedLines() {}

  static PCollection<String> of(TestPipeline p, List<String> lines, long stepMillis) {
    return of(p, lines, stepMillis, 1);
  }

  /** As {@link #of(TestPipeline, List, long)}, {@code chunk} lines at a time (a bundle each, on the DirectRunner). */
  @SuppressWarnings("unchecked")
  static PCollection<String> of(TestPipeline p, List<String> lines, long stepMillis, int chunk) {
    TestStream.Builder<String> s = TestStream.create(StringUtf8Coder.of()).advanceWatermarkTo(T0);
    for (int from = 0; from < lines.size(); from += chunk) {
      int to = Math.min(lines.size(), from + chunk);
      TimestampedValue<String>[] values = new TimestampedValue[to - from];
      for (int i = from; i < to; i++) {
        values[i - from] = TimestampedValue.of(lines.get(i), T0.plus(Duration.millis(i * stepMillis)));
      }
      s = s.addElements(values[0], java.util.Arrays.copyOfRange(values, 1, values.length));
    }
    return p.apply(s.advanceWatermarkToInfinity());
  }
}

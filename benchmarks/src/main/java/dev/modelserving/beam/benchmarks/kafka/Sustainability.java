package dev.modelserving.beam.benchmarks.kafka;

import java.util.Locale;

/**
 * Whether the pipeline sustained an offered rate over a measurement window: the consumer kept up
 * with bounded lag. All of these must hold:
 *
 * <ol>
 *   <li>the generator sent at least {@value #MIN_SENT_FRACTION} of the records due in the window
 *       (otherwise the rate was never offered);
 *   <li>every record sent in the window came out (after a bounded drain);
 *   <li>the lag is bounded: the p99 latency of the records of the window's last quarter is at most
 *       {@code maxLagMillis};
 *   <li>the lag does not grow: that p99 is at most twice the first quarter's plus {@value
 *       #GROWTH_SLACK_MILLIS} ms (a pipeline short of capacity builds a backlog, and its latency
 *       climbs through the window).
 * </ol>
 */
public final class Sustainability {
  /** Share of the window's due records the generator must have sent. */
  public static final double MIN_SENT_FRACTION = 0.97;
  /** Slack of the no-growth rule, in milliseconds, for jitter at low latencies. */
  public static final double GROWTH_SLACK_MILLIS = 100;

  private Sustainability() {}

  /** The verdict on one window, with the reason when it is not sustainable. */
  public record Verdict(boolean sustainable, String reason) {}

  /**
   * Judges a window.
   *
   * @param offeredRate the generator's rate, records a second
   * @param seconds the window's length
   * @param sent records due in the window that the generator sent
   * @param received records due in the window that came out of the pipeline
   * @param firstQuarterP99 p99 latency of the first quarter's records, ms
   * @param lastQuarterP99 p99 latency of the last quarter's records, ms
   * @param maxLagMillis the bound on the last quarter's p99
   */
  public static Verdict judge(double offeredRate, double seconds, long sent, long received,
      double firstQuarterP99, double lastQuarterP99, double maxLagMillis) {
    double due = offeredRate * seconds;
    if (sent < MIN_SENT_FRACTION * due) {
      return new Verdict(false, String.format(Locale.ROOT,
          "the generator sent only %,d of %,.0f records due: it cannot offer this rate", sent, due));
    }
    if (received < sent) {
      return new Verdict(false, String.format(Locale.ROOT,
          "%,d of %,d records sent did not come out in time", sent - received, sent));
    }
    if (!(lastQuarterP99 <= maxLagMillis)) {
      return new Verdict(false, String.format(Locale.ROOT,
          "lag not bounded: p99 of the last quarter %.0f ms > %.0f ms", lastQuarterP99, maxLagMillis));
    }
    if (!(lastQuarterP99 <= 2 * firstQuarterP99 + GROWTH_SLACK_MILLIS)) {
      return new Verdict(false, String.format(Locale.ROOT,
          "lag growing: p99 %.0f ms in the first quarter, %.0f ms in the last", firstQuarterP99, lastQuarterP99));
    }
    return new Verdict(true, "");
  }
}

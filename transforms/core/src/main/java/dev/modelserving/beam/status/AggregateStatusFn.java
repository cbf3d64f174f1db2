package dev.modelserving.beam.status;

import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Keeps the {@link StatusState} of one data type and emits its {@link ModelStatusReport}s: on every
 * change of its set, every interval (unbounded inputs: a processing-time timer; always, so that a
 * consumer can tell a live pipeline from a stopped one), and once when the input ends.
 *
 * <p>Reports carry the wall-clock time they were made as their timestamp.
 */
final class AggregateStatusFn extends DoFn<KV<String, ModelStatusEvent>, ModelStatusReport> {
  private final Duration interval;
  private final boolean periodic;

  @StateId("status")
  private final StateSpec<ValueState<StatusState>> statusSpec = StateSpecs.value(StatusState.StateCoder.of());

  @TimerId("interval")
  private final TimerSpec intervalSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

  @TimerId("inputEnded")
  private final TimerSpec inputEndedSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  /**
   * @param periodic whether to report every {@code interval}; false for bounded inputs, which
   *     report on changes and when they end
   */
  AggregateStatusFn(Duration interval, boolean periodic) {
    this.interval = interval;
    this.periodic = periodic;
  }

  @ProcessElement
  public void process(
      @Element KV<String, ModelStatusEvent> element,
      @StateId("status") ValueState<StatusState> status,
      @TimerId("interval") Timer intervalTimer,
      @TimerId("inputEnded") Timer inputEnded,
      OutputReceiver<ModelStatusReport> out) {
    StatusState s = read(status);
    if (!s.started) {
      s.started = true;
      inputEnded.set(GlobalWindow.INSTANCE.maxTimestamp());
      if (periodic) {
        intervalTimer.withNoOutputTimestamp().offset(interval).setRelative();
      }
    }
    ModelStatusEvent event = element.getValue();
    if (!event.isChange()) {
      s.add(event.getBatch());
    } else if (s.apply(event.getChange())) {
      emit(s, element.getKey(), ModelStatusReport.Trigger.CHANGE, out);
    }
    status.write(s);
  }

  @OnTimer("interval")
  public void onInterval(
      @Key String dataType,
      @StateId("status") ValueState<StatusState> status,
      @TimerId("interval") Timer intervalTimer,
      OutputReceiver<ModelStatusReport> out) {
    StatusState s = read(status);
    if (s.ended) {
      return; // a runner may fire what is left of the timers when the input ends
    }
    if (s.lastChange != null) {
      emit(s, dataType, ModelStatusReport.Trigger.INTERVAL, out);
      status.write(s);
    }
    intervalTimer.withNoOutputTimestamp().offset(interval).setRelative();
  }

  @OnTimer("inputEnded")
  public void onInputEnded(
      @Key String dataType,
      @StateId("status") ValueState<StatusState> status,
      OutputReceiver<ModelStatusReport> out) {
    StatusState s = read(status);
    s.ended = true;
    if (s.lastChange != null) {
      emit(s, dataType, ModelStatusReport.Trigger.INPUT_ENDED, out);
    }
    status.write(s);
  }

  /** Reports carry their own wall-clock time, whatever the time of the element or timer. */
  @Override
  @SuppressWarnings("deprecation")
  public Duration getAllowedTimestampSkew() {
    return Duration.millis(Long.MAX_VALUE);
  }

  private static StatusState read(ValueState<StatusState> status) {
    StatusState s = status.read();
    return s == null ? new StatusState() : s;
  }

  private static void emit(StatusState s, String dataType, ModelStatusReport.Trigger trigger,
      OutputReceiver<ModelStatusReport> out) {
    ModelStatusReport report = s.report(dataType, trigger, System.currentTimeMillis());
    out.outputWithTimestamp(report, new Instant(report.getReportedAtMillis()));
  }
}

package dev.modelserving.beam.status;

import java.util.Objects;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Turns the status events of {@code ServeModels}' serving steps into one stream of {@link
 * ModelStatusReport}s per data type: keyed by data type, a stateful step keeps each data type's
 * current models and adds up what each has scored since it became current. A report goes out on
 * every change of a data type's set and, for an unbounded input, every {@linkplain #withInterval
 * interval} (default 30 s; always, also when nothing was scored, so the report's time shows the
 * pipeline is alive); a bounded input reports its final figures when it ends instead.
 *
 * <p>{@code ServeModels} applies it for you: use {@code ServeModels.Result#getModelStatus()}.
 *
 * <pre>{@code
 * PCollection<ModelStatusReport> reports = events.apply(ModelStatus.create().withInterval(Duration.standardSeconds(10)));
 * }</pre>
 *
 * <p>Changes come from one reporter per data type, so they are in order: in keyed mode its first
 * shard (every shard applies every model message alike), in broadcast mode the step that admits
 * models, which numbers them. A change delivered out of order, or one that leaves the set as it is,
 * is dropped. What models scored comes from every shard and worker, by model uuid. Events must be
 * in the global window (as {@code ServeModels} emits them).
 */
public final class ModelStatus extends PTransform<PCollection<ModelStatusEvent>, PCollection<ModelStatusReport>> {
  /** The default interval between two reports of a data type: 30 seconds. */
  public static final Duration DEFAULT_INTERVAL = Duration.standardSeconds(30);

  private final Duration interval;

  private ModelStatus(Duration interval) {
    this.interval = interval;
  }

  /** Reports every {@link #DEFAULT_INTERVAL} and on every change. */
  public static ModelStatus create() {
    return new ModelStatus(DEFAULT_INTERVAL);
  }

  /** Reports every {@code interval} (unbounded inputs), besides on every change. */
  public ModelStatus withInterval(Duration interval) {
    Objects.requireNonNull(interval, "withInterval needs an interval");
    if (!interval.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("withInterval needs an interval above zero, was " + interval);
    }
    return new ModelStatus(interval);
  }

  @Override
  public PCollection<ModelStatusReport> expand(PCollection<ModelStatusEvent> events) {
    if (!(events.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException("ModelStatus needs its events in the global window, as ServeModels emits"
          + " them; they are in " + events.getWindowingStrategy().getWindowFn());
    }
    boolean periodic = events.isBounded() == PCollection.IsBounded.UNBOUNDED;
    return events
        .apply("KeyByDataType", WithKeys.of(ModelStatusEvent::getDataType).withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ModelStatusEventCoder.of()))
        .apply("ReportPerDataType", ParDo.of(new AggregateStatusFn(interval, periodic)))
        .setCoder(ModelStatusReportCoder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("interval", interval.toString()).withLabel("Report interval"));
  }
}

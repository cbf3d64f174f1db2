package dev.modelserving.beam.benchmarks.heap;

import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.record.ScoredRecord;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;

/** Notes, per data type, the name of the model that scored each record ({@link ModelSightings}). */
public final class SightModelsFn extends DoFn<ScoredRecord<DataRecord>, Void> {
  private final String sightings;
  private transient Map<String, String> seen;

  public SightModelsFn(String sightings) {
    this.sightings = sightings;
  }

  @Setup
  public void setup() {
    seen = ModelSightings.orDiscard(sightings);
  }

  @ProcessElement
  public void process(@Element ScoredRecord<DataRecord> scored) {
    seen.put(scored.getDataType(), scored.getModelName());
  }
}

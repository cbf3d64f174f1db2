package dev.modelserving.beam.benchmarks.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.modelserving.beam.benchmarks.latency.TimedIds;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.pipeline.io.ServingJson;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.pipeline.record.RecordParser;
import dev.modelserving.beam.pipeline.record.RecordSchema;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generator's CSV lines parse with the app's own parser into the workload's wines with the
 * timed id, and the output reader finds the id and the model uuid in the app's own JSON.
 */
class LinesAndJsonTest {

  @Test
  void linesParseIntoTheWorkloadsWinesWithTheTimedId() {
    WineWorkload workload = WineWorkload.standard();
    WineCsvLines lines = WineCsvLines.of(workload);
    RecordParser parser = new RecordParser(RecordSchema.csv(WineSchema.COLUMNS, ',', WineSchema.ID,
        WineSchema.DATA_TYPE_COLUMN, WineSchema.DATA_TYPE));
    DataRecord r = parser.parse(lines.line(1_030, 123_456_789L));
    assertThat(r.getId(), equalTo("1030:123456789"));
    assertThat(TimedIds.dueNanos(r.getId()), equalTo(123_456_789L));
    assertThat(r.getDataType(), equalTo(WineSchema.DATA_TYPE));
    Map<String, Object> expected = new java.util.HashMap<>(workload.fields(1_030));
    expected.put(WineSchema.ID, "1030:123456789");
    assertThat(r.getFields(), equalTo(expected));
  }

  @Test
  void theIdAndTheModelUuidComeOutOfTheAppsJson() {
    DataRecord input = new DataRecord(TimedIds.of(7, 99L), "wine", WineWorkload.standard().fields(7), "line");
    ScoredRecord<DataRecord> scored = new ScoredRecord<>(input, "wine", ModelOutput.value(5.5), "wine-tree", "3",
        "uuid-42", "pmml", "current", 1L, 1_000L);
    String json = ServingJson.scored(scored);
    assertThat(ScoredJson.id(json), equalTo("7:99"));
    assertThat(ScoredJson.uuid(json), equalTo("uuid-42"));
    assertThat(ScoredJson.id("{}"), nullValue());
  }
}

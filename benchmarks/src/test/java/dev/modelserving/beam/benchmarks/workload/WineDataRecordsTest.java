package dev.modelserving.beam.benchmarks.workload;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.modelserving.beam.pipeline.record.DataRecord;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/** The Beam source gives the workload's records as the serving application's DataRecords. */
class WineDataRecordsTest {

  @Test
  void givesCountRecordsCyclingThroughTheWorkload() {
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<DataRecord> records = p.apply(WineDataRecords.of(25, 7, 10));
    PAssert.thatSingleton(records.apply("CountAll", Count.globally())).isEqualTo(25L);
    WineWorkload w = WineWorkload.redWines(7, 10);
    String firstId = w.id(0);
    PCollection<DataRecord> first =
        records.apply("FirstWine", Filter.by((DataRecord r) -> r.getId().equals(firstId)));
    // ids repeat every 10 records: seq 0, 10 and 20 carry wine 0
    PAssert.thatSingleton(first.apply("CountFirst", Count.globally())).isEqualTo(3L);
    PAssert.that(first)
        .satisfies(rs -> {
          WineWorkload expected = WineWorkload.redWines(7, 10); // rebuilt: the check is serialized
          for (DataRecord r : rs) {
            assertThat(r.getDataType(), equalTo("wine"));
            assertThat(r.getFields(), equalTo(expected.fields(0)));
            assertThat(r.toFeatures().get("alcohol"), equalTo(expected.features(0)[10]));
          }
          return null;
        });
    p.run().waitUntilFinish();
  }
}

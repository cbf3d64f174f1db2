package dev.modelserving.beam.benchmarks.workload;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;

import dev.modelserving.beam.testdata.WineDataGenerator;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The workload is a fixed, seeded array of red wines, cycled by sequence number. */
class WineWorkloadTest {

  @Test
  void isTheFirstRedWinesOfTheGenerator() {
    WineWorkload w = WineWorkload.redWines(7, 5);
    WineDataGenerator g = new WineDataGenerator(7);
    int found = 0;
    while (found < 5) {
      WineDataGenerator.Wine wine = g.next();
      if (wine.wineType.equals("red")) {
        assertThat(w.features(found), equalTo(wine.features));
        assertThat(w.id(found), equalTo(wine.id));
        found++;
      }
    }
  }

  @Test
  void cyclesBySequenceNumberWithoutCopying() {
    WineWorkload w = WineWorkload.redWines(7, 5);
    assertThat(w.features(12), sameInstance(w.features(2)));
    assertThat(w.fields(5), sameInstance(w.fields(0)));
    assertThat(w.features(1), not(equalTo(w.features(2))));
    assertThat(w.index(-1), equalTo(4));
  }

  @Test
  void fieldsAreTheParsedCsvColumns() {
    WineWorkload w = WineWorkload.standard();
    Map<String, Object> f = w.fields(3);
    assertThat(f.keySet().stream().toList(), equalTo(WineSchema.COLUMNS));
    assertThat(f.get(WineSchema.WINE_TYPE), equalTo("red"));
    assertThat(f.get(WineSchema.DATA_TYPE_COLUMN), equalTo("wine"));
    assertThat(f.get("alcohol"), equalTo(w.features(3)[10]));
    assertThat(w.size(), equalTo(WineWorkload.DEFAULT_SIZE));
  }
}

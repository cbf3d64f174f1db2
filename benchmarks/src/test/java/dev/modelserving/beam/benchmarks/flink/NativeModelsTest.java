package dev.modelserving.beam.benchmarks.flink;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.benchmarks.workload.WineRecord;
import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native job does the same work as the library: for every model its predictions equal those
 * of the library's format plug-ins on the workload's wines. And its types are Flink POJOs.
 */
class NativeModelsTest {
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir", "../testdata/files"));
  private static final int RECORDS = 60;

  @TempDir Path work;

  @Test
  void predictsWhatTheLibraryPredictsForEveryModel() throws Exception {
    ModelFiles files = new ModelFiles(TESTDATA, work, WineForestTrainer.Params.of(7, 4));
    WineWorkload workload = WineWorkload.standard();
    for (BenchmarkModel model : BenchmarkModel.values()) {
      ModelMessage message = new ModelMessage(
          "wine", 0, "wine-" + model.id(), 1, model.kind().format(), files.bytes(model));
      try (NativeModel nativeModel = NativeModels.load(message);
          Scorer library = ModelFormats.load(files.descriptor(model))) {
        ScoredWine out = new ScoredWine();
        for (long seq = 0; seq < RECORDS; seq++) {
          WineRecord record = new WineRecord("wine", 0, seq, WineWorkload.WINE_TYPE, workload.features(seq));
          nativeModel.score(record, out);
          ModelOutput expected = library.score(Features.view(workload.fields(seq)));
          String what = model.id() + " record " + seq;
          if (expected.getLabel() != null) {
            assertThat(what, out.label, equalTo(expected.getLabel()));
          } else {
            assertThat(what, out.value, closeTo(expected.getValue(), 1e-6));
          }
        }
      }
    }
  }

  @Test
  void refusesAnUnknownFormatByName() {
    ModelMessage message = new ModelMessage("wine", 0, "m", 1, "onnx", new byte[] {1});
    assertThat(assertThrows(IOException.class, () -> NativeModels.load(message)).getMessage(),
        containsString("format 'onnx'"));
  }

  @Test
  void recordsAndModelsArePojosNotKryo() {
    assertThat(TypeInformation.of(WineRecord.class), instanceOf(PojoTypeInfo.class));
    assertThat(TypeInformation.of(ModelMessage.class), instanceOf(PojoTypeInfo.class));
    assertThat(TypeInformation.of(ScoredWine.class), instanceOf(PojoTypeInfo.class));
  }
}

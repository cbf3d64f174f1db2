package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Both formats are found through ServiceLoader, and closing a scorer cleans up. */
class ServiceLoaderTest {

  @Test
  void bothFormatsAreRegistered() {
    assertThat(
        ModelFormats.available().get("tensorflow-saved-model"), instanceOf(SavedModelFormat.class));
    assertThat(
        ModelFormats.available().get("tensorflow-frozen-graph"),
        instanceOf(FrozenGraphFormat.class));
  }

  @Test
  void descriptorsLoadThroughModelFormatsAndAgree() throws Exception {
    Features row = TfTestSupport.wineRows(3).get(2);
    try (Scorer saved = ModelFormats.load(TfTestSupport.packedDescriptor());
        Scorer frozen = ModelFormats.load(TfTestSupport.frozenDescriptor())) {
      assertThat(frozen.score(row).getValue(), closeTo(saved.score(row).getValue(), 1e-5));
    }
  }

  @Test
  void closeDeletesTheUnpackedSavedModel() throws Exception {
    Scorer scorer = ModelFormats.load(TfTestSupport.packedDescriptor());
    Path dir = ((TensorScorer) scorer).temporaryDirectory();
    assertThat(dir, notNullValue());
    assertThat(Files.isRegularFile(dir.resolve("saved_model.pb")), is(true));
    scorer.close();
    assertThat(Files.exists(dir), is(false));
    scorer.close(); // a second close is harmless
  }
}

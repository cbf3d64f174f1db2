package dev.modelserving.beam.format.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelLoadException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bytes that are not a usable PMML model fail to load with a ModelLoadException that says why. */
class PmmlBadModelsTest {

  private static ModelLoadException loadFails(byte[] bytes) {
    return assertThrows(ModelLoadException.class, () -> PmmlTestSupport.load(bytes));
  }

  @Test
  void randomBytes() {
    byte[] bytes = new byte[2048];
    new Random(7).nextBytes(bytes);
    ModelLoadException e = loadFails(bytes);
    assertThat(e.getMessage(), allOf(containsString("test-model"), containsString("not a readable PMML document")));
  }

  @Test
  void truncatedXml() {
    byte[] whole = PmmlTestSupport.demoModel("wine-linear.pmml");
    ModelLoadException e = loadFails(Arrays.copyOf(whole, whole.length / 2));
    assertThat(e.getMessage(), containsString("not a readable PMML document"));
  }

  @Test
  void xmlThatIsNotPmml() {
    ModelLoadException e = loadFails(PmmlTestSupport.resource("not-pmml.xml"));
    assertThat(e.getMessage(), containsString("PMML"));
  }

  @Test
  void plainText() {
    loadFails("quality = 0.3 * alcohol".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void unsupportedModelType() {
    ModelLoadException e = loadFails(PmmlTestSupport.resource("unsupported-baseline.pmml"));
    assertThat(e.getMessage(), allOf(containsString("cannot be evaluated"), containsString("BaselineModel")));
  }

  @Test
  void modelWithoutTargetOrOutput() {
    ModelLoadException e = loadFails(PmmlTestSupport.resource("no-result.pmml"));
    assertThat(e.getMessage(), containsString("no target field"));
  }

  @Test
  void fieldThatIsNotDefined() {
    ModelLoadException e = loadFails(PmmlTestSupport.resource("undefined-field.pmml"));
    assertThat(e.getMessage(), allOf(containsString("not a consistent PMML model"), containsString("\"x\"")));
  }

  @Test
  void modelFailingItsOwnVerificationRecords() throws Exception {
    byte[] failing = PmmlTestSupport.resource("failing-verification.pmml");
    ModelLoadException e = loadFails(failing);
    assertThat(e.getMessage(), containsString("ModelVerification"));

    String fixed = new String(failing, StandardCharsets.UTF_8).replace("<data:y>99</data:y>", "<data:y>3</data:y>");
    PmmlTestSupport.load(fixed.getBytes(StandardCharsets.UTF_8)).close();
  }

  @Test
  void emptyBytes() {
    ModelLoadException e = loadFails(new byte[0]);
    assertThat(e.getMessage(), containsString("no model bytes"));
  }

  @Test
  void inputMappingForAnInputTheModelDoesNotHave() {
    byte[] bytes = PmmlTestSupport.demoModel("wine-linear.pmml");
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> new PmmlModelFormat().load(PmmlTestSupport.descriptor(bytes, Map.of("alcohool", "alcohol"))));
    assertThat(e.getMessage(), allOf(containsString("'alcohool'"), containsString("not an input")));
  }

  @Test
  void badBytesThroughTheServiceLoaderAreAModelLoadExceptionToo() {
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> ModelFormats.load(PmmlTestSupport.descriptor(PmmlTestSupport.resource("not-pmml.xml"), Map.of())));
    assertThat(e.getMessage(), containsString("PMML"));
  }
}

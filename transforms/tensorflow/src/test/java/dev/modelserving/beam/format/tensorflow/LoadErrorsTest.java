package dev.modelserving.beam.format.tensorflow;

import static dev.modelserving.beam.format.tensorflow.TfTestSupport.FEATURES;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.ModelFormat;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models that do not fit their descriptor, or are not models, fail to load with a clear reason. */
class LoadErrorsTest {
  private static final SavedModelFormat SAVED = new SavedModelFormat();
  private static final FrozenGraphFormat FROZEN = new FrozenGraphFormat();

  private static String loadError(ModelFormat format, ModelDescriptor d) {
    return assertThrows(ModelLoadException.class, () -> format.load(d).close()).getMessage();
  }

  private static ModelDescriptor packed(InputMapping.Builder in, OutputMapping.Builder out) {
    return TfTestSupport.descriptor(
        SavedModelFormat.ID, TfTestSupport.zip(TfTestSupport.packedModel()), in, out);
  }

  private static ModelDescriptor named(InputMapping.Builder in, OutputMapping.Builder out) {
    return TfTestSupport.descriptor(
        SavedModelFormat.ID, TfTestSupport.zip(TfTestSupport.namedModel()), in, out);
  }

  private static ModelDescriptor frozen(InputMapping.Builder in, OutputMapping.Builder out) {
    return TfTestSupport.descriptor(
        FrozenGraphFormat.ID, TfTestSupport.read(TfTestSupport.frozenModel()), in, out);
  }

  private static InputMapping.Builder columns(int n) {
    return InputMapping.newBuilder().addAllTensorColumns(FEATURES.subList(0, n));
  }

  // --- SavedModel: descriptor does not fit the model

  @Test
  void wrongNumberOfTensorColumns() {
    String m = loadError(SAVED, packed(columns(10), OutputMapping.newBuilder()));
    assertThat(m, allOf(containsString("takes 11 columns"), containsString("lists 10")));
  }

  @Test
  void unknownSignatureKey() {
    String m =
        loadError(SAVED, packed(columns(11), OutputMapping.newBuilder().setSignature("nope")));
    assertThat(
        m, allOf(containsString("no signature 'nope'"), containsString("'serving_default'")));
  }

  @Test
  void defaultSignatureMissingListsTheOthers() {
    String m = loadError(SAVED, named(InputMapping.newBuilder(), OutputMapping.newBuilder()));
    assertThat(m, allOf(containsString("'serving_default'"), containsString("'predict'")));
  }

  @Test
  void unknownTensorInput() {
    String m =
        loadError(
            SAVED, packed(columns(11).setTensorInput("inputs"), OutputMapping.newBuilder()));
    assertThat(
        m,
        allOf(
            containsString("tensor_input 'inputs' is not an input"),
            containsString("'features'")));
  }

  @Test
  void unknownInputInFieldByInput() {
    String m =
        loadError(
            SAVED,
            named(
                InputMapping.newBuilder().putFieldByInput("acidity", "fixed_acidity"),
                OutputMapping.newBuilder().setSignature("predict")));
    assertThat(
        m,
        allOf(
            containsString("field_by_input maps 'acidity', which is not an input"),
            containsString("'fixed acidity'")));
  }

  @Test
  void unknownOutputName() {
    String m =
        loadError(SAVED, packed(columns(11), OutputMapping.newBuilder().addOutputs("score")));
    assertThat(m, allOf(containsString("'score'"), containsString("['quality']")));
  }

  @Test
  void packingAModelWithManyInputsNeedsTheInputName() {
    String m =
        loadError(SAVED, named(columns(11), OutputMapping.newBuilder().setSignature("predict")));
    assertThat(m, allOf(containsString("has 11 inputs"), containsString("tensor_input")));
  }

  @Test
  void aMatrixInputWithoutTensorColumns() {
    String m = loadError(SAVED, packed(InputMapping.newBuilder(), OutputMapping.newBuilder()));
    assertThat(
        m,
        allOf(containsString("input 'features'"), containsString("input_mapping.tensor_columns")));
  }

  // --- SavedModel: bytes are not a SavedModel

  @Test
  void bytesThatAreNotAZip() {
    byte[] junk = new byte[256];
    new Random(7).nextBytes(junk);
    String m =
        loadError(
            SAVED,
            TfTestSupport.descriptor(
                SavedModelFormat.ID, junk, columns(11), OutputMapping.newBuilder()));
    assertThat(m, containsString("not a zip archive"));
  }

  @Test
  void aZipWithoutSavedModelPb(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("README.txt"), "not a model");
    String m =
        loadError(
            SAVED,
            TfTestSupport.descriptor(
                SavedModelFormat.ID,
                TfTestSupport.zip(dir),
                columns(11),
                OutputMapping.newBuilder()));
    assertThat(m, allOf(containsString("no saved_model.pb"), containsString("README.txt")));
  }

  @Test
  void aCorruptSavedModelPbIsRejectedAndItsTemporaryDirectoryRemoved(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("saved_model.pb"), "garbage, not a protobuf");
    Set<Path> before = temporaryModelDirectories();
    String m =
        loadError(
            SAVED,
            TfTestSupport.descriptor(
                SavedModelFormat.ID,
                TfTestSupport.zip(dir),
                columns(11),
                OutputMapping.newBuilder()));
    assertThat(m, containsString("TensorFlow cannot load the SavedModel"));
    assertThat(temporaryModelDirectories(), is(before));
  }

  private static Set<Path> temporaryModelDirectories() throws IOException {
    try (Stream<Path> s = Files.list(Paths.get(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("tf-saved-model-"))
          .collect(Collectors.toSet());
    }
  }

  // --- Frozen graph

  @Test
  void frozenGraphWithoutTensorInput() {
    String m =
        loadError(
            FROZEN,
            frozen(
                InputMapping.newBuilder().addAllTensorColumns(FEATURES),
                OutputMapping.newBuilder().addOutputs("quality")));
    assertThat(
        m, allOf(containsString("needs input_mapping.tensor_input"), containsString("'features'")));
  }

  @Test
  void frozenGraphWithoutTensorColumns() {
    String m =
        loadError(
            FROZEN,
            frozen(
                InputMapping.newBuilder().setTensorInput("features"),
                OutputMapping.newBuilder().addOutputs("quality")));
    assertThat(m, containsString("needs input_mapping.tensor_columns"));
  }

  @Test
  void frozenGraphWithoutOutputs() {
    String m =
        loadError(
            FROZEN,
            frozen(
                InputMapping.newBuilder().setTensorInput("features").addAllTensorColumns(FEATURES),
                OutputMapping.newBuilder()));
    assertThat(
        m, allOf(containsString("needs output_mapping.outputs"), containsString("'quality'")));
  }

  @Test
  void frozenGraphWithAnUnknownInputOperation() {
    String m =
        loadError(
            FROZEN,
            frozen(
                InputMapping.newBuilder().setTensorInput("input").addAllTensorColumns(FEATURES),
                OutputMapping.newBuilder().addOutputs("quality")));
    assertThat(
        m,
        allOf(
            containsString("'input' is not an operation of the graph"),
            containsString("'features'")));
  }

  @Test
  void frozenGraphWithAnUnknownOutputOperation() {
    String m =
        loadError(
            FROZEN,
            frozen(
                InputMapping.newBuilder().setTensorInput("features").addAllTensorColumns(FEATURES),
                OutputMapping.newBuilder().addOutputs("output")));
    assertThat(
        m,
        allOf(containsString("'output', which is not an operation"), containsString("'quality'")));
  }

  @Test
  void frozenGraphWithTheWrongNumberOfColumns() {
    String m =
        loadError(
            FROZEN,
            frozen(
                columns(9).setTensorInput("features"),
                OutputMapping.newBuilder().addOutputs("quality")));
    assertThat(m, allOf(containsString("takes 11 columns"), containsString("lists 9")));
  }

  @Test
  void bytesThatAreNotAGraphDef() {
    byte[] xml = "<?xml version=\"1.0\"?><PMML/>".getBytes(StandardCharsets.UTF_8);
    String m =
        loadError(
            FROZEN,
            TfTestSupport.descriptor(
                FrozenGraphFormat.ID,
                xml,
                columns(11).setTensorInput("features"),
                OutputMapping.newBuilder().addOutputs("quality")));
    assertThat(m, containsString("GraphDef"));
  }

  @Test
  void aZippedSavedModelGivenAsAFrozenGraph() {
    String m =
        loadError(
            FROZEN,
            TfTestSupport.descriptor(
                FrozenGraphFormat.ID,
                TfTestSupport.zip(TfTestSupport.packedModel()),
                columns(11).setTensorInput("features"),
                OutputMapping.newBuilder().addOutputs("quality")));
    assertThat(m, allOf(containsString("zip archive"), containsString(SavedModelFormat.ID)));
  }
}

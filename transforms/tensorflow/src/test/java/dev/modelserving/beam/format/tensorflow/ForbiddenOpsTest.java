package dev.modelserving.beam.format.tensorflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.OutputMapping;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.SwapPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Graphs with file-system or I/O operations are refused before TensorFlow runs them ({@link
 * GraphOps}), in SavedModels and frozen graphs, unless the op is allowed explicitly; served, such a
 * model is rejected and the previous one keeps serving. The graphs are built here, with TensorFlow
 * Java.
 */
@ExtendWith(TestPipelineExtension.class)
class ForbiddenOpsTest {
  private static final SavedModelFormat SAVED = new SavedModelFormat();
  private static final FrozenGraphFormat FROZEN = new FrozenGraphFormat();
  /** Models of the serving test, by index: the test stream carries the index. */
  private static final Map<String, ModelDescriptor> MODELS = new ConcurrentHashMap<>();

  /**
   * A linear SavedModel, y = x [[1], [10]] for x float [-1, 2]; with {@code readFile}, y also adds 0 times
   * the length of that file's contents, read by a ReadFile op.
   */
  private static byte[] savedModel(Path dir, Path readFile) throws IOException {
    return savedModel(dir, readFile, null);
  }

  /** As {@link #savedModel(Path, Path)}; with {@code restoreFrom}, the graph also restores a tensor from that checkpoint. */
  private static byte[] savedModel(Path dir, Path readFile, Path restoreFrom) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
      Operand<TFloat32> y = tf.linalg.matMul(x, tf.variable(tf.constant(new float[][] {{1f}, {10f}})));
      if (readFile != null) {
        Operand<TString> contents = tf.io.readFile(tf.constant(readFile.toString()));
        y = tf.math.add(y, tf.math.mul(tf.dtypes.cast(tf.strings.stringLength(contents), TFloat32.class),
            tf.constant(0f)));
      }
      if (restoreFrom != null) {
        tf.withName("smuggled_restore").train.restore(tf.constant(restoreFrom.toString()),
            tf.constant(java.nio.charset.StandardCharsets.UTF_8, new String[] {"secret"}),
            tf.constant(java.nio.charset.StandardCharsets.UTF_8, new String[] {""}), List.of(TFloat32.class));
      }
      y = tf.withName("y").identity(y);
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withSignature(Signature.builder().key("serving_default").input("x", x).output("y", y).build())
            .export();
      }
    }
    return ModelArchives.zipDirectory(dir);
  }

  private static ModelDescriptor descriptor(String format, byte[] bytes, String uuid, String version) {
    InputMapping.Builder in = InputMapping.newBuilder().addTensorColumns("a").addTensorColumns("b");
    OutputMapping.Builder out = OutputMapping.newBuilder();
    if (format.equals(FrozenGraphFormat.ID)) {
      in.setTensorInput("x");
      out.addOutputs("y");
    }
    return ModelDescriptor.newBuilder().setName("tf-guarded").setDataType("pair").setFormat(format)
        .setVersion(version).setUuid(uuid).setCreatedAtMillis(1_700_000_000_000L + Long.parseLong(version))
        .setModelBytes(ByteString.copyFrom(bytes)).setInputMapping(in).setOutputMapping(out).build();
  }

  private static double score(Scorer scorer, double a, double b) throws Exception {
    return scorer.scoreBatch(List.of(Features.builder().put("a", a).put("b", b).build())).output(0).getValue();
  }

  @Test
  void aSavedModelThatReadsAFileIsRefusedBeforeItRuns(@TempDir Path dir) throws IOException {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "not for models");
    ModelDescriptor d = descriptor(SavedModelFormat.ID, savedModel(dir.resolve("m"), secret), "op-saved", "2");
    String m = assertThrows(ModelLoadException.class, () -> SAVED.load(d).close()).getMessage();
    assertThat(m, allOf(containsString("not on the TensorFlow op allow-list: [ReadFile]"),
        containsString("--allowedTfOps")));
  }

  @Test
  void aFrozenGraphThatWritesAFileIsRefusedAndNothingIsWritten(@TempDir Path dir) throws IOException {
    Path written = dir.resolve("written-by-the-model.txt");
    byte[] graph;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
      var write = tf.io.writeFile(tf.constant(written.toString()), tf.constant("owned"));
      var files = tf.io.matchingFiles(tf.constant(dir.toString() + "/*"));
      tf.withName("y").withControlDependencies(List.of(write)).math.add(
          tf.linalg.matMul(x, tf.constant(new float[][] {{1f}, {10f}})),
          tf.math.mul(tf.dtypes.cast(tf.size(files), TFloat32.class), tf.constant(0f)));
      graph = g.toGraphDef().toByteArray();
    }
    ModelDescriptor d = descriptor(FrozenGraphFormat.ID, graph, "op-frozen", "2");
    String m = assertThrows(ModelLoadException.class, () -> FROZEN.load(d).close()).getMessage();
    assertThat(m, containsString("not on the TensorFlow op allow-list: [MatchingFiles, WriteFile]"));
    assertThat(Files.exists(written), is(false));
  }

  @Test
  void anOpAllowedExplicitlyLoads(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "allowed here");
    ModelDescriptor d = descriptor(SavedModelFormat.ID, savedModel(dir.resolve("m"), secret), "op-allowed", "2");
    try (Scorer scorer = SAVED.load(d, ModelGuard.defaults().withGraphOpCheck(true, Set.of("ReadFile")))) {
      assertThat(score(scorer, 1, 2), closeTo(21.0, 1e-6));
    }
  }

  @Test
  void theVariablesRestoreOfASavedModelIsAllowed(@TempDir Path dir) throws Exception {
    ModelDescriptor d = descriptor(SavedModelFormat.ID, savedModel(dir.resolve("m"), null), "op-plain", "1");
    try (Scorer scorer = SAVED.load(d)) {
      assertThat(score(scorer, 2, 3), closeTo(32.0, 1e-6));
    }
  }

  @Test
  void aServedModelWithAForbiddenOpIsRejectedAndThePreviousKeepsServing(TestPipeline p, @TempDir Path dir)
      throws IOException {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "not for models");
    MODELS.put("good", descriptor(SavedModelFormat.ID, savedModel(dir.resolve("good"), null), "op-serve-1", "1"));
    MODELS.put("bad", descriptor(SavedModelFormat.ID, savedModel(dir.resolve("bad"), secret), "op-serve-2", "2"));
    TestStream<KV<String, String>> arrivals = TestStream.create(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .addElements(KV.of("model", "good"))
        .addElements(KV.of("record", "1,2"), KV.of("record", "2,3"))
        .addElements(KV.of("model", "bad"))
        .addElements(KV.of("record", "3,4"), KV.of("record", "0,1"))
        .advanceWatermarkToInfinity();
    PCollection<KV<String, String>> all = p.apply(arrivals);
    PCollection<ModelDescriptor> models = all.apply("Models", Filter.by(kv -> kv.getKey().equals("model")))
        .apply("Descriptors", MapElements.into(TypeDescriptor.of(ModelDescriptor.class))
            .via(kv -> MODELS.get(kv.getValue())))
        .setCoder(ModelDescriptorCoder.of());
    PCollection<String> records = all.apply("Records", Filter.by(kv -> kv.getKey().equals("record")))
        .apply("Payloads", MapElements.into(TypeDescriptors.strings()).via(KV::getValue));
    ServeModels.Result<String> result = records.apply(ServeModels.<String>create()
        .withModels(models)
        .withSwapPolicy(SwapPolicy.IN_ORDER)
        .withDataTypeFn(r -> "pair")
        .withFeatureExtractor(r -> Features.builder()
            .put("a", Double.parseDouble(r.split(",")[0])).put("b", Double.parseDouble(r.split(",")[1])).build()));

    PAssert.that(result.getScored().apply("Described", MapElements.into(TypeDescriptors.strings())
            .via((ScoredRecord<String> r) -> r.getInput() + " -> " + Math.round(r.getOutput().getValue())
                + " by " + r.getModelUuid())))
        .containsInAnyOrder("1,2 -> 21 by op-serve-1", "2,3 -> 32 by op-serve-1", "3,4 -> 43 by op-serve-1",
            "0,1 -> 10 by op-serve-1");
    PAssert.that(result.getRejectedModels()).satisfies(rejected -> {
      List<String> reasons = new ArrayList<>();
      for (RejectedModel r : rejected) {
        assertThat(r.getUuid(), is("op-serve-2"));
        reasons.add(r.getReason());
      }
      assertThat(reasons.size(), is(1));
      assertThat(reasons.get(0), containsString("not on the TensorFlow op allow-list: [ReadFile]"));
      return null;
    });
    PAssert.that(result.getDeadLetters()).empty();
    PAssert.that(result.getUnserved()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void aRestoreOpReadingAnotherCheckpointThanTheModelsVariablesIsRefused(@TempDir Path dir) throws IOException {
    ModelDescriptor d = descriptor(SavedModelFormat.ID,
        savedModel(dir.resolve("m"), null, dir.resolve("someone-elses-checkpoint")), "op-restore", "2");
    String m = assertThrows(ModelLoadException.class, () -> SAVED.load(d).close()).getMessage();
    assertThat(m, containsString("not on the TensorFlow op allow-list: [RestoreV2 (outside the variables restore)]"));
  }
}

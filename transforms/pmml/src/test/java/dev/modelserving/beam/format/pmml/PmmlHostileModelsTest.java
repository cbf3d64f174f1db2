package dev.modelserving.beam.format.pmml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.SwapPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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

/**
 * Hostile PMML documents (regression tests): one with an external entity (XXE) and an
 * entity-expansion bomb are rejected with the reason while the model before them keeps serving,
 * and the external file is never read into the model.
 */
@ExtendWith(TestPipelineExtension.class)
class PmmlHostileModelsTest {
  private static final Map<String, ModelDescriptor> MODELS = new ConcurrentHashMap<>();

  /** y = 1 + 2 x; {@code doctype} goes before the root element and {@code annotation} into the header. */
  private static String pmml(String doctype, String annotation) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doctype
        + "<PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\"><Header><Annotation>" + annotation
        + "</Annotation></Header>"
        + "<DataDictionary numberOfFields=\"2\"><DataField name=\"x\" optype=\"continuous\" dataType=\"double\"/>"
        + "<DataField name=\"y\" optype=\"continuous\" dataType=\"double\"/></DataDictionary>"
        + "<RegressionModel functionName=\"regression\"><MiningSchema><MiningField name=\"x\"/>"
        + "<MiningField name=\"y\" usageType=\"target\"/></MiningSchema>"
        + "<RegressionTable intercept=\"1\"><NumericPredictor name=\"x\" coefficient=\"2\"/></RegressionTable>"
        + "</RegressionModel></PMML>";
  }

  private static ModelDescriptor model(String uuid, String version, String xml) {
    return ModelDescriptor.newBuilder().setName("line").setDataType("num").setFormat(PmmlModelFormat.ID)
        .setVersion(version).setUuid(uuid).setCreatedAtMillis(1_700_000_000_000L + Long.parseLong(version))
        .setModelBytes(ByteString.copyFromUtf8(xml)).build();
  }

  /** Serves good, two records, {@code bad}, two records: all four scored by good; returns the rejections' reasons. */
  private static void assertRejectedWhileTheOldModelServes(TestPipeline p, ModelDescriptor bad, String notInReason,
      String... reasonParts) {
    MODELS.put("good", model("pmml-good-" + bad.getUuid(), "1", pmml("", "fine")));
    MODELS.put("bad", bad);
    TestStream<KV<String, String>> arrivals = TestStream.create(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .addElements(KV.of("model", "good"))
        .addElements(KV.of("record", "1"), KV.of("record", "2"))
        .addElements(KV.of("model", "bad"))
        .addElements(KV.of("record", "3"), KV.of("record", "10"))
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
        .withDataTypeFn(r -> "num")
        .withFeatureExtractor(r -> Features.builder().put("x", Double.parseDouble(r)).build()));
    String good = "pmml-good-" + bad.getUuid();
    PAssert.that(result.getScored().apply("Described", MapElements.into(TypeDescriptors.strings())
            .via((ScoredRecord<String> r) -> r.getInput() + " -> " + Math.round(r.getOutput().getValue())
                + " by " + r.getModelUuid())))
        .containsInAnyOrder("1 -> 3 by " + good, "2 -> 5 by " + good, "3 -> 7 by " + good, "10 -> 21 by " + good);
    PAssert.that(result.getRejectedModels()).satisfies(rejected -> {
      Map<String, String> reasons = new HashMap<>();
      for (RejectedModel r : rejected) {
        reasons.put(r.getUuid(), r.getReason());
      }
      assertThat(reasons.keySet().toString(), is("[" + bad.getUuid() + "]"));
      for (String part : reasonParts) {
        assertThat(reasons.get(bad.getUuid()), containsString(part));
      }
      if (notInReason != null) {
        assertThat(reasons.get(bad.getUuid()), not(containsString(notInReason)));
      }
      return null;
    });
    PAssert.that(result.getDeadLetters()).empty();
    PAssert.that(result.getUnserved()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void aModelWithAnExternalEntityIsRejectedAndTheFileIsNotRead(TestPipeline p, @TempDir Path dir) throws IOException {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENT");
    ModelDescriptor xxe = model("pmml-xxe", "2", pmml(
        "<!DOCTYPE PMML [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n", "&xxe;"));
    assertRejectedWhileTheOldModelServes(p, xxe, "TOP-SECRET-CONTENT", "is not a readable PMML document", "DOCTYPE");
  }

  @Test
  void anEntityExpansionBombIsRejected(TestPipeline p) {
    StringBuilder doctype = new StringBuilder("<!DOCTYPE PMML [<!ENTITY l0 \"lol\">");
    for (int i = 1; i < 10; i++) {
      String ref = ("&l" + (i - 1) + ";").repeat(10);
      doctype.append("<!ENTITY l").append(i).append(" \"").append(ref).append("\">");
    }
    doctype.append("]>\n");
    ModelDescriptor bomb = model("pmml-bomb", "2", pmml(doctype.toString(), "&l9;"));
    assertRejectedWhileTheOldModelServes(p, bomb, null, "is not a readable PMML document", "DOCTYPE");
  }
}

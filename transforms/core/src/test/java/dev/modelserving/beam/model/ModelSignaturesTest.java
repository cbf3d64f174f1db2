package dev.modelserving.beam.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.modelserving.beam.model.proto.Lineage;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The canonical encoding a model signature covers, and what changes it. */
class ModelSignaturesTest {
  private static final KeyPair KEY = SigningKeys.generate();

  private static ModelDescriptor model() {
    return ModelDescriptor.newBuilder().setName("m").setDataType("wine").setFormat("pmml").setVersion("1")
        .setUuid("u-1").setCreatedAtMillis(42).setModelBytes(ByteString.copyFromUtf8("<PMML/>"))
        .setLineage(Lineage.newBuilder().putHoldoutMetrics("accuracy", 0.9).putHoldoutMetrics("log_loss", 0.3))
        .build();
  }

  private static Map<String, PublicKey> trusted() {
    return Map.of("k", KEY.getPublic());
  }

  @Test
  void theEncodingDoesNotDependOnMapInsertionOrder() {
    ModelDescriptor reordered = model().toBuilder().setLineage(Lineage.newBuilder()
        .putHoldoutMetrics("log_loss", 0.3).putHoldoutMetrics("accuracy", 0.9)).build();
    byte[] content = model().getModelBytes().toByteArray();
    assertArrayEquals(ModelSignatures.canonical(model(), content), ModelSignatures.canonical(reordered, content));
  }

  @Test
  void inlineBytesAndALocationWithTheSameBytesEncodeAlike() {
    byte[] content = "<PMML/>".getBytes(StandardCharsets.UTF_8);
    ModelDescriptor located = model().toBuilder().setLocation("file:///models/m.pmml").build();
    assertArrayEquals(ModelSignatures.canonical(model(), content), ModelSignatures.canonical(located, content));
  }

  @Test
  void everyMetadataFieldIsCovered() throws Exception {
    ModelDescriptor signed = ModelSignatures.sign(model(), KEY.getPrivate(), "k");
    ModelSignatures.verify(signed, signed.getModelBytes().toByteArray(), trusted());
    for (ModelDescriptor changed : new ModelDescriptor[] {
        signed.toBuilder().setName("n").build(),
        signed.toBuilder().setDescription("d").build(),
        signed.toBuilder().setCreatedAtMillis(43).build(),
        signed.toBuilder().setUuid("u-2").build(),
        signed.toBuilder().setLineage(signed.getLineage().toBuilder().putHoldoutMetrics("accuracy", 0.99)).build(),
        signed.toBuilder().setOutputMapping(signed.getOutputMapping().toBuilder().addLabels("x")).build()}) {
      assertThat(Arrays.equals(ModelSignatures.canonical(changed, new byte[0]),
          ModelSignatures.canonical(signed, new byte[0])), is(false));
      String m = assertThrows(ModelLoadException.class,
          () -> ModelSignatures.verify(changed, changed.getModelBytes().toByteArray(), trusted())).getMessage();
      assertThat(m, containsString("bad signature"));
    }
  }

  @Test
  void aMessageWithFieldsThisVersionDoesNotKnowIsRefused() {
    ModelDescriptor signed = ModelSignatures.sign(model(), KEY.getPrivate(), "k");
    ModelDescriptor future = signed.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();
    String m = assertThrows(ModelLoadException.class,
        () -> ModelSignatures.verify(future, future.getModelBytes().toByteArray(), trusted())).getMessage();
    assertThat(m, containsString("fields this version does not know"));
    assertThat(m, not(containsString("bad signature")));
  }
}

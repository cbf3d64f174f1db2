package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.SigningKeys;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.FixedAnswerFormat;
import dev.modelserving.beam.pipeline.KeygenCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keygen} and {@code publish-model --signingKey}: a key pair on disk, messages signed with
 * it that a pipeline trusting the public key admits, and that it refuses once changed; and the
 * start set read from the model topic leaves out messages that fail the signature check.
 */
class SignedModelCommandsTest {
  private static int keygen(String... args) {
    return KeygenCommand.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
  }

  private static ModelGuard trusting(Path keys) throws IOException {
    return ModelGuard.defaults().withTrustedKeys(SigningKeys.readTrusted(List.of(keys)));
  }

  private static ModelDescriptor published(Path modelFile, String keyFile, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--file", modelFile.toString(), "--name", "fixed", "--dataType", "wine",
        "--version", "2", "--format", FixedAnswerFormat.ID));
    args.addAll(List.of(extra));
    return PublishModelCommand.sign(PublishModelCommand.descriptor(PublishModelCommand.parse(args.toArray(new String[0]))),
        keyFile);
  }

  @Test
  void keygenWritesAKeyPairWhosePrivateKeyOnlyItsOwnerCanRead(@TempDir Path dir) throws IOException {
    assertThat(keygen("--keyId", "release-1", "--dir", dir.toString()), is(0));
    Path priv = dir.resolve("release-1.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)), is("rw-------"));
    assertThat(SigningKeys.readPrivate(priv).keyId, is("release-1"));
    assertThat(SigningKeys.readTrusted(List.of(dir)).keySet(), contains("release-1"));
    assertThat("never overwrites a key", keygen("--keyId", "release-1", "--dir", dir.toString()), is(1));
  }

  @Test
  void aPublishedModelSignedWithTheKeyFileIsAdmittedAndRefusedOnceChanged(@TempDir Path dir) throws Exception {
    Path keys = Files.createDirectory(dir.resolve("keys"));
    keygen("--keyId", "release-1", "--dir", keys.toString());
    Path model = Files.writeString(dir.resolve("fixed.txt"), "value=2", StandardCharsets.UTF_8);
    ModelDescriptor signed = published(model, keys.resolve("release-1.key").toString());

    assertThat(signed.getSigningKeyId(), is("release-1"));
    assertThat(trusting(keys).admit(signed), is(signed));
    ModelDescriptor renamed = signed.toBuilder().setVersion("3").build();
    assertThat(assertThrows(ModelLoadException.class, () -> trusting(keys).admit(renamed)).getMessage(),
        containsString("bad signature for key 'release-1'"));
  }

  @Test
  void aModelPublishedByLocationIsSignedOverTheBytesThere(@TempDir Path dir) throws Exception {
    Path keys = Files.createDirectory(dir.resolve("keys"));
    keygen("--keyId", "release-1", "--dir", keys.toString());
    Path model = Files.writeString(dir.resolve("fixed.txt"), "value=2", StandardCharsets.UTF_8);
    ModelDescriptor signed = published(model, keys.resolve("release-1.key").toString(), "--location");

    assertThat(signed.getPayloadCase(), is(ModelDescriptor.PayloadCase.LOCATION));
    assertThat(trusting(keys).admit(signed).getModelBytes().toStringUtf8(), is("value=2"));
    Files.writeString(model, "value=666", StandardCharsets.UTF_8);
    assertThat(assertThrows(ModelLoadException.class, () -> trusting(keys).admit(signed)).getMessage(),
        allOf(containsString("bad signature"), containsString("the bytes at its location")));
  }

  @Test
  void theStartSetLeavesOutMessagesThatFailTheSignatureCheck(@TempDir Path dir) throws Exception {
    Path keys = Files.createDirectory(dir.resolve("keys"));
    keygen("--keyId", "old", "--dir", keys.toString());
    keygen("--keyId", "new", "--dir", keys.toString());
    Path oldKey = keys.resolve("old.key");
    Path newKey = keys.resolve("new.key");
    ModelDescriptor v1 = PublishModelCommand.sign(FixedAnswerFormat.model("a", "1", 1_000L, "value=1"), oldKey.toString());
    ModelDescriptor v2 = PublishModelCommand.sign(FixedAnswerFormat.model("a", "2", 2_000L, "value=2"), newKey.toString());
    ModelDescriptor unsigned = FixedAnswerFormat.model("a", "3", 3_000L, "value=3");
    ModelDescriptor remove = dev.modelserving.beam.model.ModelDescriptors.remove("wine", "a"); // unsigned
    List<ConsumerRecord<String, byte[]>> topic = new ArrayList<>();
    for (ModelDescriptor d : List.of(v1, v2, unsigned, remove)) {
      topic.add(new ConsumerRecord<>("models", 0, topic.size(), KafkaTopics.modelKey(d), d.toByteArray()));
    }
    List<KV<String, byte[]>> start = ModelTopicBootstrap.startMessages(topic, null, trusting(keys));
    List<String> versions = start.stream().map(kv -> {
      try {
        return ModelDescriptor.parseFrom(kv.getValue()).getVersion();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }).collect(Collectors.toList());
    assertThat(versions, contains("1", "2"));
    assertThat(SigningKeys.readTrusted(List.of(keys)).keySet(), contains("new", "old"));
  }

  @Test
  void aSignedRoutingMessageIsAdmittedAndAnUnsignedOneRefused(@TempDir Path dir) throws Exception {
    keygen("--keyId", "ops", "--dir", dir.toString());
    ModelDescriptor route = RouteCommand.descriptor(RouteCommand.parse(new String[] {
        "--bootstrapServers", "x:1", "--topic", "models", "--dataType", "wine", "--weights", "a=90,b=10",
        "--signingKey", dir.resolve("ops.key").toString()}));
    ModelDescriptor signed = PublishModelCommand.sign(route, dir.resolve("ops.key").toString());
    assertThat(trusting(dir).admit(signed), is(signed));
    assertThat(assertThrows(ModelLoadException.class, () -> trusting(dir).admit(route)).getMessage(),
        containsString("is not signed"));
  }
}

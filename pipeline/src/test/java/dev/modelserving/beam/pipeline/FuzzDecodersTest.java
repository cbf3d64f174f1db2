package dev.modelserving.beam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelFormats;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.pipeline.record.DataRecordCoder;
import dev.modelserving.beam.pipeline.record.RecordParser;
import dev.modelserving.beam.pipeline.record.RecordParserAccess;
import dev.modelserving.beam.pipeline.record.RecordSchema;
import dev.modelserving.beam.testdata.WineDataGenerator;
import dev.modelserving.beam.testdata.WineSchema;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded random mutator (Jazzer is not available offline) over the decoders of untrusted input:
 * the CSV and JSON record parsers, the model-message decoder (a Kafka model message's bytes as a
 * {@code ModelDescriptor}, its checks and its coder) and the PMML loader. Nothing but the documented
 * error escapes: {@link IllegalArgumentException} from the parser, {@link
 * InvalidProtocolBufferException} from the decoder, {@link ModelLoadException} from the checks and the
 * loader, {@link CoderException} from the coder. A record the parser accepts has only Double, String or
 * null fields, no non-finite number, and survives its coder. Then the pipeline keeps serving: fuzzed
 * records mixed with good ones in one run leave the good ones scored and the counts balanced.
 */
class FuzzDecodersTest {
  static final int CSV_INPUTS = 45_000;
  static final int JSON_INPUTS = 45_000;
  static final int DESCRIPTOR_INPUTS = 30_000;
  static final int PMML_INPUTS = 300;
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir"));
  private static final RecordSchema CSV =
      RecordSchema.csv(WineSchema.COLUMNS, ',', WineSchema.ID, WineSchema.DATA_TYPE_COLUMN, "wine");
  private static final RecordSchema JSON = RecordSchema.json(List.of(), WineSchema.ID, WineSchema.DATA_TYPE_COLUMN, "wine");

  @TempDir Path dir;

  /** Byte-level mutations: bit flips, interesting bytes, deletions, duplications, tokens, splices, cuts. */
  static final class Mutator {
    private static final String[] TOKENS = {"NaN", "Infinity", "-Infinity", "1e309", "-1e-400", "\"", "\"\"", ",", ",,",
        "{", "}", "[", "]", ":", "null", "true", "\\", "\\u0000", "\\ud800", "0x1p3", "007", "+5", "-0", " ", "\t",
        "{\"a\":{\"b\":[1,2,{}]}}", "1".repeat(400), "9".repeat(2000), "\u00e9", "\u20ac", "\ud83c\udf77", "\u0000"};
    private final Random random;
    private final List<byte[]> seeds;

    Mutator(long seed, List<byte[]> seeds) {
      this.random = new Random(seed);
      this.seeds = seeds;
    }

    byte[] next() {
      byte[] b = seeds.get(random.nextInt(seeds.size()));
      for (int ops = 1 + random.nextInt(4); ops > 0; ops--) {
        b = mutate(b);
      }
      return b;
    }

    private byte[] mutate(byte[] b) {
      int n = b.length;
      int at = n == 0 ? 0 : random.nextInt(n);
      switch (random.nextInt(8)) {
        case 0: { // flip a bit
          if (n == 0) {
            return new byte[] {(byte) random.nextInt(256)};
          }
          byte[] c = b.clone();
          c[at] ^= (byte) (1 << random.nextInt(8));
          return c;
        }
        case 1: { // an interesting or random byte
          byte[] interesting = {0, (byte) 0xFF, (byte) 0x80, (byte) 0xC0, '"', ',', '{', '}', ':', '\\', 'e', '-', '.', '\n', '\r'};
          byte v = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt(256);
          return splice(b, at, at + (n == 0 || random.nextBoolean() ? 0 : 1), new byte[] {v});
        }
        case 2: // delete a range
          return splice(b, at, Math.min(n, at + 1 + random.nextInt(Math.max(1, n / 4 + 1))), new byte[0]);
        case 3: { // duplicate a range
          int to = Math.min(n, at + 1 + random.nextInt(16));
          byte[] part = java.util.Arrays.copyOfRange(b, at, to);
          return splice(b, to, to, part);
        }
        case 4: // a token
          return splice(b, at, at, TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
        case 5: { // splice with another seed
          byte[] other = seeds.get(random.nextInt(seeds.size()));
          int from = other.length == 0 ? 0 : random.nextInt(other.length);
          return splice(b, at, n, java.util.Arrays.copyOfRange(other, from, other.length));
        }
        case 6: // cut
          return java.util.Arrays.copyOf(b, at);
        default: { // repeat a range many times (deep nesting, long fields)
          int to = Math.min(n, at + 1 + random.nextInt(4));
          byte[] part = java.util.Arrays.copyOfRange(b, at, to);
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          for (int i = 50 + random.nextInt(2000); i > 0; i--) {
            out.writeBytes(part);
          }
          return splice(b, to, to, out.toByteArray());
        }
      }
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
      byte[] c = new byte[b.length - (to - from) + insert.length];
      System.arraycopy(b, 0, c, 0, from);
      System.arraycopy(insert, 0, c, from, insert.length);
      System.arraycopy(b, to, c, from + insert.length, b.length - to);
      return c;
    }
  }

  static List<byte[]> recordSeeds(boolean csv) {
    List<byte[]> seeds = new ArrayList<>();
    MalformedRecords.corpus(5, csv, 3).forEach(s -> seeds.add(s.bytes));
    seeds.add(("[".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
    seeds.add(("{\"a\":".repeat(20_000)).getBytes(StandardCharsets.UTF_8));
    return seeds;
  }

  @Test
  void theCsvAndJsonParsersThrowNothingButIllegalArgumentException() throws Exception {
    long start = System.nanoTime();
    int csvRecords = fuzzParser(CSV, 1, CSV_INPUTS);
    int jsonRecords = fuzzParser(JSON, 2, JSON_INPUTS);
    System.out.printf("fuzz: %d CSV inputs (%d parsed as records), %d JSON inputs (%d parsed) in %d ms%n",
        CSV_INPUTS, csvRecords, JSON_INPUTS, jsonRecords, (System.nanoTime() - start) / 1_000_000);
    assertTrue(csvRecords > 0 && csvRecords < CSV_INPUTS, "the mutations are neither all fatal nor all harmless");
    assertTrue(jsonRecords > 0 && jsonRecords < JSON_INPUTS);
  }

  private static int fuzzParser(RecordSchema schema, long seed, int inputs) throws Exception {
    Mutator mutator = new Mutator(seed, recordSeeds(schema.getFormat() == RecordSchema.Format.CSV));
    RecordParser parser = new RecordParser(schema);
    int records = 0;
    for (int i = 0; i < inputs; i++) {
      String line = new String(mutator.next(), StandardCharsets.UTF_8); // as Kafka and TextIO decode
      try {
        parser.isHeader(line);
        DataRecord r = parser.parse(line);
        records++;
        r.getFields().forEach((name, v) -> {
          assertTrue(v == null || v instanceof String || (v instanceof Double && Double.isFinite((Double) v)),
              "field value " + v + " of " + line);
          if (!name.equals(WineSchema.ID) && !name.equals(WineSchema.DATA_TYPE_COLUMN)) {
            assertFalse(RecordParserAccess.isNonFinite(v), "non-finite " + name + " in " + line);
          }
        });
        assertEquals(r, CoderUtils.clone(DataRecordCoder.of(), r));
      } catch (IllegalArgumentException documented) {
        assertNotNull(documented.getMessage());
      } catch (Throwable other) {
        fail("input " + i + " (" + abbreviated(line) + ") threw " + other, other);
      }
    }
    return records;
  }

  @Test
  void theModelMessageDecoderThrowsNothingButItsDocumentedErrors() throws Exception {
    long start = System.nanoTime();
    Path models = TESTDATA.resolve("models");
    ModelDescriptor linear = ModelPublisher.describe(models.resolve("wine-linear.pmml"),
        new PublishOptions().name("wine-linear").dataType("wine").version("1"));
    List<byte[]> seeds = new ArrayList<>(List.of(
        linear.toByteArray(),
        linear.toBuilder().setLocation("file:///tmp/nowhere/wine.pmml").build().toByteArray(),
        ModelDescriptors.remove("wine", "wine-linear").toByteArray(),
        ModelDescriptors.rollback("wine", "wine-linear", "1").toByteArray(),
        ModelDescriptors.route("wine", Routing.newBuilder()
            .addWeights(ModelWeight.newBuilder().setModel("a").setWeight(0.7))
            .addWeights(ModelWeight.newBuilder().setModel("b").setWeight(0.3)).build()).toByteArray(),
        new byte[0]));
    Mutator mutator = new Mutator(3, seeds);
    int decoded = 0;
    for (int i = 0; i < DESCRIPTOR_INPUTS; i++) {
      byte[] message = mutator.next();
      try {
        ModelDescriptor d;
        try {
          d = ModelDescriptor.parseFrom(message);
        } catch (InvalidProtocolBufferException documented) {
          try {
            ModelDescriptorCoder.of().decode(new ByteArrayInputStream(lengthPrefixed(message)));
            fail("the coder decoded what the parser refused");
          } catch (CoderException alsoDocumented) {
            // the coder's error for a corrupt descriptor
          }
          continue;
        }
        decoded++;
        assertNotNull(ModelDescriptors.describe(d));
        ModelDescriptors.isAdd(d);
        assertEquals(d, CoderUtils.clone(ModelDescriptorCoder.of(), d));
        try {
          ModelDescriptors.checkOperation(d);
        } catch (ModelLoadException documented) {
          assertNotNull(documented.getMessage());
        }
        try {
          ModelDescriptors.checkLoadable(d);
        } catch (ModelLoadException documented) {
          assertNotNull(documented.getMessage());
        }
      } catch (Throwable other) {
        fail("model message " + i + " threw " + other, other);
      }
    }
    int loaded = fuzzPmmlLoader(linear);
    System.out.printf("fuzz: %d model messages (%d decoded), %d PMML documents (%d loaded) in %d ms%n",
        DESCRIPTOR_INPUTS, decoded, PMML_INPUTS, loaded, (System.nanoTime() - start) / 1_000_000);
    assertTrue(decoded > 0 && decoded < DESCRIPTOR_INPUTS);
  }

  /** Mutated PMML documents in a model message: the loader refuses them with a ModelLoadException or loads them. */
  private static int fuzzPmmlLoader(ModelDescriptor linear) {
    Mutator mutator = new Mutator(4, List.of(linear.getModelBytes().toByteArray()));
    int loaded = 0;
    for (int i = 0; i < PMML_INPUTS; i++) {
      ModelDescriptor d = linear.toBuilder().setModelBytes(ByteString.copyFrom(mutator.next())).build();
      try (Scorer scorer = ModelFormats.load(d)) {
        loaded++;
      } catch (ModelLoadException documented) {
        assertNotNull(documented.getMessage());
      } catch (Throwable other) {
        fail("PMML document " + i + " threw " + other, other);
      }
    }
    return loaded;
  }

  /** The message as the coder's byte-array framing writes it: its length, then its bytes. */
  private static byte[] lengthPrefixed(byte[] message) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    org.apache.beam.sdk.coders.ByteArrayCoder.of().encode(message, out);
    return out.toByteArray();
  }

  /**
   * The pipeline keeps serving: fuzzed CSV records (one per line) between good ones, in one file-mode
   * run. Every good record is scored, and every record is scored, dead-lettered or unserved, exactly.
   */
  @Test
  void thePipelineKeepsServingGoodRecordsAmongFuzzedOnes() throws Exception {
    Mutator mutator = new Mutator(6, recordSeeds(true));
    WineDataGenerator good = new WineDataGenerator(77);
    RecordParser headerCheck = new RecordParser(CSV);
    List<String> lines = new ArrayList<>(List.of(String.join(",", WineSchema.COLUMNS)));
    Set<String> goodIds = new HashSet<>();
    int in = 0;
    for (int i = 0; i < 600; i++) {
      String line;
      if (i % 10 == 0) {
        WineDataGenerator.Wine w = good.next();
        String id = "good-" + i;
        goodIds.add(id);
        line = id + w.toCsv().substring(w.toCsv().indexOf(','));
      } else {
        line = new String(mutator.next(), StandardCharsets.UTF_8).replace('\n', ' ').replace('\r', ' ');
        if (line.length() > 20_000 || line.startsWith("good-")) {
          line = line.substring(0, Math.min(line.length(), 20_000)).replace("good-", "bad-");
        }
      }
      lines.add(line);
      if (!headerCheck.isHeader(line)) {
        in++;
      }
    }
    Path input = Files.write(dir.resolve("fuzzed.csv"), lines, StandardCharsets.UTF_8);

    FileRun run = FileRun.serve(dir, input, "--modelFiles=" + TESTDATA.resolve("models/wine-linear.pmml"));

    Set<String> scoredIds = run.scored.stream().map(n -> n.path("id").asText()).collect(Collectors.toSet());
    assertTrue(scoredIds.containsAll(goodIds), "every good record is scored");
    List<JsonNode> recordFailures = run.failures.stream()
        .filter(n -> !n.path("kind").asText().equals("rejected-model")).collect(Collectors.toList());
    assertEquals(run.failures.size(), recordFailures.size(), "no model rejected");
    assertEquals(in, run.scored.size() + recordFailures.size(), "in = scored + dead-lettered + unserved");
    assertEquals(in, run.counter("received"));
    assertEquals(in, run.counter("scored") + run.counter("dead-lettered") + run.counter("unserved"));
    recordFailures.forEach(f -> assertFalse(f.path("reason").asText().isEmpty(), f.toString()));
    System.out.printf("fuzz: pipeline run with %d records (%d good): %d scored, %d not; lost 0%n",
        in, goodIds.size(), run.scored.size(), recordFailures.size());
  }


  private static String abbreviated(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)";
  }
}

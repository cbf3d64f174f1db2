package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.pipeline.record.RecordParser;
import dev.modelserving.beam.pipeline.record.RecordParserAccess;
import dev.modelserving.beam.pipeline.record.RecordSchema;
import dev.modelserving.beam.testdata.WineDataGenerator;
import dev.modelserving.beam.testdata.WineSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Non-finite numbers: a record with NaN, an infinity or a number beyond a double in a field is
 * dead-lettered when parsed, naming the field (unless --allowNonFiniteInputs), and a model output that
 * is not a finite number is dead-lettered at stage SCORE naming the model, never written as a string.
 */
class NonFiniteValuesTest {
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir"));
  private static final RecordSchema CSV =
      RecordSchema.csv(WineSchema.COLUMNS, ',', WineSchema.ID, WineSchema.DATA_TYPE_COLUMN, "wine");
  private static final RecordSchema JSON = RecordSchema.json(List.of(), WineSchema.ID, WineSchema.DATA_TYPE_COLUMN, "wine");

  @TempDir Path dir;

  @ParameterizedTest(name = "alcohol = {0}")
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "+Infinity", "1e309", "-1e309", " Infinity ", "0x1p9999"})
  void aCsvRecordWithANonFiniteNumberIsRefusedNamingTheField(String value) {
    String line = withAlcohol(new WineDataGenerator(7).next().toCsv(), value);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RecordParser(CSV).parse(line));

    assertThat(e.getMessage(), containsString("field 'alcohol' is not a finite number"));
    assertThat(e.getMessage(), containsString("--allowNonFiniteInputs"));
    DataRecord allowed = new RecordParser(CSV.withNonFiniteInputs(true)).parse(line);
    assertEquals(value.trim(), String.valueOf(allowed.getFields().get("alcohol")));
  }

  @Test
  void aJsonNumberBeyondADoubleIsRefusedNamingTheField() {
    String line = "{\"id\":\"j-1\",\"data_type\":\"wine\",\"wine_type\":\"red\",\"alcohol\":1e309}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RecordParser(JSON).parse(line));
    assertThat(e.getMessage(), containsString("field 'alcohol' is not a finite number: 'Infinity'"));
    String text = "{\"id\":\"j-2\",\"data_type\":\"wine\",\"wine_type\":\"red\",\"alcohol\":\"-Infinity\"}";
    assertThat(assertThrows(IllegalArgumentException.class, () -> new RecordParser(JSON).parse(text)).getMessage(),
        containsString("field 'alcohol' is not a finite number: '-Infinity'"));
    assertEquals(Double.POSITIVE_INFINITY,
        new RecordParser(JSON.withNonFiniteInputs(true)).parse(line).getFields().get("alcohol"));
  }

  @Test
  void finiteNumbersTextAndTheIdAndDataTypeAreNotNonFinite() {
    for (String fine : List.of("9.5", "1e308", "-1e-400", "007", "red", "Inf", "nan", "NaNa", "Infinityx", "12abc", "")) {
      assertFalse(RecordParserAccess.isNonFinite(fine), fine);
    }
    DataRecord r = new RecordParser(CSV).parse(withId(new WineDataGenerator(7).next().toCsv(), "NaN"));
    assertEquals("NaN", r.getId());
  }

  /** In file mode: the records with non-finite values are dead-lettered at PARSE, the rest scored. */
  @Test
  void inFileModeNonFiniteInputsAreDeadLetteredWithTheFieldAndTheRestScored() throws Exception {
    List<String> lines = wines(20);
    List<String> bad = List.of(
        withAlcohol(wines(22).get(21), "Infinity"), withAlcohol(wines(23).get(22), "1e309"),
        withAlcohol(wines(24).get(23), "NaN"));
    lines.addAll(bad);
    Path input = Files.write(dir.resolve("wines.csv"), lines, StandardCharsets.UTF_8);

    FileRun run = FileRun.serve(dir, input, "--modelFiles=" + TESTDATA.resolve("models/wine-linear.pmml"));

    assertThat(run.scored, hasSize(19));
    run.scored.forEach(n -> assertTrue(n.path("result").path("value").isNumber(), n.toString()));
    assertThat(run.failures, hasSize(3));
    for (JsonNode f : run.failures) {
      assertEquals("PARSE", f.path("stage").asText(), f.toString());
      assertThat(f.path("reason").asText(), containsString("field 'alcohol' is not a finite number"));
    }
    assertEquals(bad.stream().collect(Collectors.toSet()),
        run.failures.stream().map(f -> f.path("payload").asText()).collect(Collectors.toSet()));
    assertEquals(22, run.counter("received"));
  }

  /**
   * Allowed in, an infinite alcohol makes the linear model answer Infinity: that record is
   * dead-lettered at SCORE, naming the output and the model, not written with "Infinity" as its value.
   */
  @Test
  void allowedNonFiniteInputsReachTheModelAndANonFiniteAnswerIsDeadLetteredNotWritten() throws Exception {
    List<String> lines = wines(11);
    lines.add(withAlcohol(wines(12).get(11), "Infinity"));
    Path input = Files.write(dir.resolve("wines.csv"), lines, StandardCharsets.UTF_8);

    FileRun run = FileRun.serve(dir, input, "--allowNonFiniteInputs",
        "--modelFiles=" + TESTDATA.resolve("models/wine-linear.pmml"));

    assertThat(run.scored, hasSize(10));
    run.scored.forEach(n -> assertTrue(n.path("result").path("value").isNumber(), n.toString()));
    assertThat(run.failures, hasSize(1));
    JsonNode f = run.failures.get(0);
    assertEquals("SCORE", f.path("stage").asText(), f.toString());
    assertThat(f.path("reason").asText(), containsString("the model's output is not a finite number: value Infinity"));
    assertThat(f.path("reason").asText(), containsString("wine-linear"));
  }

  /**
   * Models that overflow on ordinary records: a regression with a huge coefficient answers Infinity,
   * and one with two huge opposite coefficients answers NaN. Every record is dead-lettered at SCORE
   * with the reason and the model; nothing is written as scored.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Infinity", "NaN"})
  void aModelThatAnswersANonFiniteNumberHasItsRecordsDeadLetteredAtScore(String answer) throws Exception {
    String pmml = Files.readString(TESTDATA.resolve("models/wine-linear.pmml"), StandardCharsets.UTF_8);
    String huge = pmml.replaceFirst("(<NumericPredictor name=\"alcohol\" coefficient=\")[^\"]*\"", "$11e308\"");
    if (answer.equals("NaN")) {
      huge = huge.replaceFirst("(<NumericPredictor name=\"fixed_acidity\" coefficient=\")[^\"]*\"", "$1-1e308\"");
    }
    assertFalse(huge.equals(pmml));
    Path model = Files.writeString(dir.resolve("overflowing.pmml"), huge, StandardCharsets.UTF_8);
    Path input = Files.write(dir.resolve("wines.csv"), wines(16), StandardCharsets.UTF_8);

    FileRun run = FileRun.serve(dir, input, "--modelFiles=" + model);

    assertThat(run.scored, hasSize(0));
    assertThat(run.failures, hasSize(15));
    for (JsonNode f : run.failures) {
      assertEquals("SCORE", f.path("stage").asText(), f.toString());
      assertThat(f.path("reason").asText(), containsString("the model's output is not a finite number: value " + answer));
      assertThat(f.path("reason").asText(), containsString("overflowing"));
    }
    assertEquals(15, run.counter("dead-lettered"));
    assertEquals(0, run.counter("scored"));
  }

  /** A header and {@code n - 1} generated wines (seeded). */
  static List<String> wines(int n) {
    List<String> lines = new ArrayList<>(List.of(String.join(",", WineSchema.COLUMNS)));
    WineDataGenerator g = new WineDataGenerator(2026);
    for (int i = 1; i < n; i++) {
      lines.add(g.next().toCsv());
    }
    return lines;
  }

  private static String withAlcohol(String csv, String value) {
    String[] v = csv.split(",", -1);
    v[WineSchema.COLUMNS.indexOf("alcohol")] = value;
    return String.join(",", v);
  }

  private static String withId(String csv, String id) {
    return id + csv.substring(csv.indexOf(','));
  }

}

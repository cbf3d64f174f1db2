package dev.modelserving.beam.pipeline.record;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelserving.beam.testdata.WineSchema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecordParserTest {
  private static final RecordSchema CSV =
      RecordSchema.csv(List.of("id", "data_type", "wine_type", "alcohol"), ',', "id", "data_type", "wine");

  @Test
  void csvValuesStayTextAndEmptyValuesAreMissing() {
    DataRecord r = new RecordParser(CSV).parse("w-1,wine,red,");
    assertEquals("w-1", r.getId());
    assertEquals("wine", r.getDataType());
    assertEquals("red", r.getFields().get("wine_type"));
    assertTrue(r.getFields().containsKey("alcohol"));
    assertNull(r.getFields().get("alcohol"));
    assertFalse(r.toFeatures().has("alcohol"));
  }

  @Test
  void quotedCsvValuesMayHoldTheSeparatorAndQuotes() {
    DataRecord r = new RecordParser(CSV).parse("\"w,1\",wine,\"say \"\"red\"\"\",9.5");
    assertEquals("w,1", r.getId());
    assertEquals("say \"red\"", r.getFields().get("wine_type"));
  }

  @Test
  void aWrongNumberOfValuesOrAnOpenQuoteIsRejectedWithTheReason() {
    RecordParser parser = new RecordParser(CSV);
    assertThat(assertThrows(IllegalArgumentException.class, () -> parser.parse("w-1,wine")).getMessage(),
        containsString("expected 4 CSV values (id,data_type,wine_type,alcohol) but found 2"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> parser.parse("\"w-1,wine,red,1")).getMessage(),
        containsString("unterminated quote"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> parser.parse(" ")).getMessage(),
        containsString("empty"));
  }

  @Test
  void theHeaderRowIsRecognisedAndTheSeparatorIsConfigurable() {
    RecordSchema semicolons = RecordSchema.csv(List.of("id", "x"), ';', "id", "data_type", "wine");
    RecordParser parser = new RecordParser(semicolons);
    assertTrue(parser.isHeader("id;x"));
    assertEquals("1,5", parser.parse("a;1,5").getFields().get("x"));
    assertEquals("wine", parser.parse("a;1").getDataType());
  }

  @Test
  void jsonNumbersAreNumbersAndTheDataTypeFallsBackToTheDefault() {
    RecordParser parser = new RecordParser(RecordSchema.json(List.of(), "id", "data_type", "wine"));
    DataRecord r = parser.parse("{\"id\": \"j-1\", \"alcohol\": 9.5, \"wine_type\": \"red\", \"sugar\": null}");
    assertEquals(9.5, r.getFields().get("alcohol"));
    assertEquals("1001", parser.parse("{\"id\": 1001}").getId());
    assertEquals("wine", r.getDataType());
    assertThat(assertThrows(IllegalArgumentException.class, () -> parser.parse("[1, 2]")).getMessage(),
        containsString("must be an object"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> parser.parse("{\"a\": {\"b\": 1}}")).getMessage(),
        containsString("field 'a' must be a number, string or null"));
  }

  @Test
  void theCoderRoundTripsNumbersTextAndMissingValues() throws Exception {
    DataRecord r = new RecordParser(RecordSchema.json(List.of(), "id", "data_type", null))
        .parse("{\"id\": \"j-1\", \"alcohol\": 9.5, \"wine_type\": \"red\", \"sugar\": null}");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataRecordCoder.of().encode(r, bytes);
    DataRecord back = DataRecordCoder.of().decode(new ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(r, back);
    assertNull(back.getDataType());
  }

  @ParameterizedTest(name = "\"{0}\" is the number {1}")
  @CsvSource({"9.5, 9.5", "-0.25, -0.25", "0, 0.0", "-0, -0.0", "0.5, 0.5", ".5, 0.5", "-.5, -0.5", "12, 12.0",
      "1e-3, 0.001", "2.5E+2, 250.0", "1., 1.0", "123456789012, 123456789012.0"})
  void plainDecimalNumbersBecomeDoublesWhenRead(String text, double expected) {
    Object value = RecordParser.numberOrText(text);
    assertEquals(Double.class, value.getClass());
    assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits((Double) value), text);
  }

  @ParameterizedTest(name = "\"{0}\" stays text")
  @ValueSource(strings = {"007", "-007", "00.5", "+5", "+0.5", "NaN", "-NaN", "Infinity", "-Infinity", "1e999",
      "red", "wine", "w-1", "5d", "1.5f", "0x1p3", "0x10", "1,5", "1.2.3", "-", ".", "-.", "1e", "1e+", "e5",
      "12abc", "1 000", "\u0663"})
  void everythingElseStaysTextAsWritten(String text) {
    assertSame(text, RecordParser.numberOrText(text));
  }

  @Test
  void aCsvRecordsNumericColumnsArriveAsDoublesAndItsIdDataTypeAndTextStayText() throws Exception {
    List<String> lines = Files.readAllLines(Paths.get(System.getProperty("testdata.dir"), "wine.csv"),
        StandardCharsets.UTF_8);
    RecordSchema wine = RecordSchema.csv(WineSchema.COLUMNS, ',', WineSchema.ID, WineSchema.DATA_TYPE_COLUMN, "wine");
    RecordParser parser = new RecordParser(wine);
    assertTrue(parser.isHeader(lines.get(0)));
    String line = lines.get(1);
    List<String> values = RecordParser.splitCsv(line, ',');

    Map<String, Object> fields = parser.parse(line).getFields();

    assertEquals(WineSchema.COLUMNS, new ArrayList<>(fields.keySet()));
    List<String> numeric = new ArrayList<>(WineSchema.NUMERIC_FEATURES);
    numeric.add(WineSchema.QUALITY);
    for (String column : numeric) {
      Object value = fields.get(column);
      assertEquals(Double.class, value.getClass(), column);
      assertEquals(Double.parseDouble(values.get(WineSchema.COLUMNS.indexOf(column))), (Double) value, 0.0, column);
    }
    assertEquals(values.get(0), fields.get(WineSchema.ID));
    assertEquals("wine", fields.get(WineSchema.DATA_TYPE_COLUMN));
    assertEquals(String.class, fields.get(WineSchema.WINE_TYPE).getClass());

    DataRecord numbered = parser.parse("1001,42,007,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,9.4,+5");
    assertEquals("1001", numbered.getId());
    assertEquals("1001", numbered.getFields().get(WineSchema.ID)); // an id is a name, not a number
    assertEquals("42", numbered.getDataType());
    assertEquals("42", numbered.getFields().get(WineSchema.DATA_TYPE_COLUMN));
    assertEquals("007", numbered.getFields().get(WineSchema.WINE_TYPE));
    assertEquals("+5", numbered.getFields().get(WineSchema.QUALITY));
    assertEquals(0.0, numbered.getFields().get("citric_acid"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"id\":\"a\",\"alcohol\":9.5,\"alcohol\":12}|Duplicate field 'alcohol'",
      "{\"id\":\"a\",\"alcohol\":9.5}}|not valid JSON",
      "{\"id\":\"a\",\"alcohol\":9.5} {\"id\":\"b\"}|not valid JSON",
      "{\"id\":\"a\\ud800\",\"alcohol\":9.5}|field 'id' has an unpaired surrogate",
      "{\"id\":\"a\",\"wine_\\udc00type\":\"red\"}|has an unpaired surrogate",
      "{\"id\":\"a\ufffd\",\"alcohol\":9.5}|not valid UTF-8"})
  void aJsonRecordThatIsAmbiguousOrNotUnicodeIsRefused(String lineAndReason) {
    String[] parts = lineAndReason.split("\\|");
    RecordParser parser = new RecordParser(RecordSchema.json(List.of(), "id", "data_type", "wine"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parser.parse(parts[0]));
    assertThat(e.getMessage(), containsString(parts[1]));
  }

  @Test
  void aCsvRecordWithUndecodableBytesIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RecordParser(CSV).parse("w-1,wine,r\ufffded,9.5"));
    assertThat(e.getMessage(), containsString("not valid UTF-8"));
  }
}

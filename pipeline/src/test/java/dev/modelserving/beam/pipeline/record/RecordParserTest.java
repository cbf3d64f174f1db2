package dev.modelserving.beam.pipeline.record;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}

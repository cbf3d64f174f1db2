package dev.modelserving.beam.pipeline.record;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link DataRecordCoder} against Beam's coder properties, in the outer and the nested context. */
class DataRecordCoderTest {
  private static final Coder<DataRecord> CODER = DataRecordCoder.of();

  static List<DataRecord> records() {
    List<DataRecord> records = new ArrayList<>();
    records.add(record("w-1", "wine", "w-1,wine,red,9.5,",
        "id", "w-1", "data_type", "wine", "wine_type", "red", "alcohol", 9.5, "sugar", null));
    records.add(record("w-2", "wine", "payload",
        "fixed_acidity", 7.4, "pH", -3.51, "zero", 0.0, "negative_zero", -0.0, "tiny", Double.MIN_VALUE,
        "huge", Double.MAX_VALUE, "whole", 6.0));
    records.add(record("w-3", "wine", "text only", "code", "007", "sign", "+5", "nan", "NaN",
        "unicode", "Grüner Veltliner 🍷", "empty", ""));
    records.add(record(null, null, "{\"alcohol\": 9.5}", "alcohol", 9.5));       // no id, no data type
    records.add(record(null, "wine", null, "only_missing", null));                // no payload either
    records.add(record("w-4", null, "no fields"));                               // no fields
    return records;
  }

  @ParameterizedTest
  @MethodSource("records")
  void decodingAnEncodedRecordGivesAnEqualRecord(DataRecord r) throws Exception {
    CoderProperties.coderDecodeEncodeEqual(CODER, r);
  }

  @ParameterizedTest
  @MethodSource("records")
  void equalRecordsEncodeToTheSameBytes(DataRecord r) throws Exception {
    DataRecord copy = new DataRecord(r.getId(), r.getDataType(), new LinkedHashMap<>(r.getFields()), r.getPayload());
    CoderProperties.coderDeterministic(CODER, r, copy);
  }

  @Test
  void theDecodedRecordKeepsTheValueTypesTheFieldOrderAndTheNulls() throws Exception {
    DataRecord r = records().get(0);
    DataRecord back = CoderUtils.clone(CODER, r);
    assertEquals(List.of("id", "data_type", "wine_type", "alcohol", "sugar"),
        new ArrayList<>(back.getFields().keySet()));
    assertEquals(Double.class, back.getFields().get("alcohol").getClass());
    assertEquals(String.class, back.getFields().get("wine_type").getClass());
    assertNull(back.getFields().get("sugar"));
    DataRecord anonymous = CoderUtils.clone(CODER, records().get(3));
    assertNull(anonymous.getId());
    assertNull(anonymous.getDataType());
    DataRecord signedZero = CoderUtils.clone(CODER, records().get(1));
    assertEquals(Double.doubleToRawLongBits(-0.0),
        Double.doubleToRawLongBits((Double) signedZero.getFields().get("negative_zero")));
  }

  @Test
  void theCoderIsSerializableAndDeterministic() throws Exception {
    CoderProperties.coderSerializable(CODER);
    assertEquals(CODER, SerializableUtils.clone(CODER));
    CODER.verifyDeterministic();
  }

  /** Equal records must encode alike: so the same fields in another order are another record. */
  @Test
  void theSameFieldsInAnotherOrderAreNotAnEqualRecord() throws Exception {
    DataRecord ab = record("r", "t", "p", "a", 1.0, "b", "x");
    DataRecord ba = record("r", "t", "p", "b", "x", "a", 1.0);
    assertNotEquals(ab, ba);
    assertNotEquals(CoderUtils.encodeToBase64(CODER, ab), CoderUtils.encodeToBase64(CODER, ba));
  }

  /** Fields are Double, String or null; anything else would come back from the coder as text. */
  @Test
  void aFieldValueOfAnotherTypeIsRefusedWhenTheRecordIsMade() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> record("r", "t", "p", "count", 5));
    assertThat(e.getMessage(), containsString("field 'count'"));
    assertThat(e.getMessage(), containsString("Integer"));
  }

  private static DataRecord record(String id, String dataType, String payload, Object... fields) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < fields.length; i += 2) {
      map.put((String) fields[i], fields[i + 1]);
    }
    return new DataRecord(id, dataType, map, payload);
  }

  /**
   * A batch (as ServeModels encodes it before its shuffle) writes each list of field names once:
   * records of two schemas in one batch come back equal, in order, sharing their schema's names.
   */
  @Test
  void aBatchWritesEachListOfFieldNamesOnceAndDecodesEqualRecords() throws Exception {
    RecordParser csv = new RecordParser(RecordSchema.csv(List.of("id", "data_type", "x", "y"), ',', "id", "data_type", null));
    RecordParser json = new RecordParser(RecordSchema.json(List.of(), "id", "data_type", "wine"));
    List<DataRecord> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(csv.parse("r" + i + ",wine," + i + ",text" + i));
      if (i % 10 == 0) {
        batch.add(json.parse("{\"id\": \"j" + i + "\", \"z\": " + i + ", \"w\": null}"));
      }
    }
    java.io.ByteArrayOutputStream together = new java.io.ByteArrayOutputStream();
    DataRecordCoder.of().encodeAll(batch, together);
    java.io.ByteArrayOutputStream oneByOne = new java.io.ByteArrayOutputStream();
    for (DataRecord r : batch) {
      DataRecordCoder.of().encode(r, oneByOne);
    }

    List<DataRecord> decoded =
        DataRecordCoder.of().decodeAll(batch.size(), new java.io.ByteArrayInputStream(together.toByteArray()));
    assertEquals(batch, decoded);
    assertEquals(decoded.get(0).getFieldNames(), decoded.get(2).getFieldNames());
    org.junit.jupiter.api.Assertions.assertSame(decoded.get(0).getFieldNames(), decoded.get(2).getFieldNames());
    // One by one, each record repeats its names: 4 CSV names take 18 bytes, 3 JSON names 8. The
    // batch writes a count of lists (1 byte), each list once, and a list index per record (1 byte).
    int csvRecords = 50;
    int jsonRecords = 5;
    int expected = oneByOne.size() - csvRecords * 18 - jsonRecords * 8 + 1 + 18 + 8 + (csvRecords + jsonRecords);
    assertEquals(expected, together.size());
  }
}

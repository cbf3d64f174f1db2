package dev.modelserving.beam.pipeline.record;

import dev.modelserving.beam.record.BatchedCoder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * A compact, deterministic coder for {@link DataRecord}: id, data type, payload, then the fields as
 * tagged numbers or strings. One record carries its field names; a batch ({@link BatchedCoder},
 * used by {@code ServeModels} before its shuffle) writes each list of field names once and the
 * records' values after it, and the decoded records share those names.
 */
public final class DataRecordCoder extends AtomicCoder<DataRecord> implements BatchedCoder<DataRecord> {
  private static final DataRecordCoder INSTANCE = new DataRecordCoder();
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final Coder<String> NULLABLE = NullableCoder.of(STRING);
  private static final Coder<Integer> INT = VarIntCoder.of();
  private static final int NULL = 0;
  private static final int NUMBER = 1;
  private static final int TEXT = 2;

  public static DataRecordCoder of() {
    return INSTANCE;
  }

  private DataRecordCoder() {}

  @Override
  public void encode(DataRecord r, OutputStream out) throws IOException {
    encodeNames(r.getFieldNames(), out);
    encodeValues(r, out);
  }

  @Override
  public DataRecord decode(InputStream in) throws IOException {
    return decodeValues(decodeNames(in), in);
  }

  @Override
  public void encodeAll(List<DataRecord> records, OutputStream out) throws IOException {
    Map<FieldNames, Integer> schemas = new IdentityHashMap<>();
    Map<FieldNames, Integer> byValue = new LinkedHashMap<>();
    int[] schemaOf = new int[records.size()];
    for (int i = 0; i < records.size(); i++) {
      FieldNames names = records.get(i).getFieldNames();
      Integer s = schemas.get(names);
      if (s == null) {
        s = byValue.computeIfAbsent(names, n -> byValue.size());
        schemas.put(names, s);
      }
      schemaOf[i] = s;
    }
    INT.encode(byValue.size(), out);
    for (FieldNames names : byValue.keySet()) {
      encodeNames(names, out);
    }
    for (int i = 0; i < records.size(); i++) {
      if (byValue.size() > 1) {
        INT.encode(schemaOf[i], out);
      }
      encodeValues(records.get(i), out);
    }
  }

  @Override
  public List<DataRecord> decodeAll(int count, InputStream in) throws IOException {
    int schemaCount = INT.decode(in);
    if (schemaCount < 0 || (count > 0 && schemaCount == 0)) {
      throw new CoderException("bad number of field lists " + schemaCount + " for " + count + " records");
    }
    FieldNames[] schemas = new FieldNames[schemaCount];
    for (int s = 0; s < schemaCount; s++) {
      schemas[s] = decodeNames(in);
    }
    List<DataRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int s = schemaCount > 1 ? INT.decode(in) : 0;
      if (s < 0 || s >= schemaCount) {
        throw new CoderException("record " + i + " names field list " + s + " of " + schemaCount);
      }
      records.add(decodeValues(schemas[s], in));
    }
    return records;
  }

  private static void encodeNames(FieldNames names, OutputStream out) throws IOException {
    INT.encode(names.size(), out);
    for (String name : names.names()) {
      STRING.encode(name, out);
    }
  }

  private static FieldNames decodeNames(InputStream in) throws IOException {
    int n = INT.decode(in);
    if (n < 0) {
      throw new CoderException("negative field count " + n);
    }
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(STRING.decode(in));
    }
    return FieldNames.of(names);
  }

  private static void encodeValues(DataRecord r, OutputStream out) throws IOException {
    NULLABLE.encode(r.getId(), out);
    NULLABLE.encode(r.getDataType(), out);
    NULLABLE.encode(r.getPayload(), out);
    DataOutputStream data = null;
    int n = r.getFieldNames().size();
    for (int i = 0; i < n; i++) {
      Object v = r.getValue(i);
      if (v == null) {
        out.write(NULL);
      } else if (v instanceof Double) {
        out.write(NUMBER);
        if (data == null) {
          data = new DataOutputStream(out);
        }
        data.writeDouble((Double) v);
      } else {
        out.write(TEXT);
        STRING.encode((String) v, out);
      }
    }
    if (data != null) {
      data.flush();
    }
  }

  private static DataRecord decodeValues(FieldNames names, InputStream in) throws IOException {
    String id = NULLABLE.decode(in);
    String dataType = NULLABLE.decode(in);
    String payload = NULLABLE.decode(in);
    DataInputStream data = new DataInputStream(in);
    Object[] values = new Object[names.size()];
    for (int i = 0; i < values.length; i++) {
      int tag = in.read();
      switch (tag) {
        case NULL:
          break;
        case NUMBER:
          values[i] = data.readDouble();
          break;
        case TEXT:
          values[i] = STRING.decode(in);
          break;
        default:
          throw new CoderException("bad field tag " + tag + " for field '" + names.name(i) + "'");
      }
    }
    return new DataRecord(id, dataType, names, values, payload);
  }

  @Override
  public void verifyDeterministic() {}
}

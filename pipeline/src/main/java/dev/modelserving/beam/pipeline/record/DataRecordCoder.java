package dev.modelserving.beam.pipeline.record;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/** A compact, deterministic coder for {@link DataRecord}: fields are tagged numbers or strings. */
public final class DataRecordCoder extends AtomicCoder<DataRecord> {
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
    NULLABLE.encode(r.getId(), out);
    NULLABLE.encode(r.getDataType(), out);
    NULLABLE.encode(r.getPayload(), out);
    INT.encode(r.getFields().size(), out);
    DataOutputStream data = new DataOutputStream(out);
    for (Map.Entry<String, Object> e : r.getFields().entrySet()) {
      STRING.encode(e.getKey(), out);
      Object v = e.getValue();
      if (v == null) {
        out.write(NULL);
      } else if (v instanceof Double) {
        out.write(NUMBER);
        data.writeDouble((Double) v);
        data.flush();
      } else {
        out.write(TEXT);
        STRING.encode(v.toString(), out);
      }
    }
  }

  @Override
  public DataRecord decode(InputStream in) throws IOException {
    String id = NULLABLE.decode(in);
    String dataType = NULLABLE.decode(in);
    String payload = NULLABLE.decode(in);
    int n = INT.decode(in);
    DataInputStream data = new DataInputStream(in);
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = STRING.decode(in);
      int tag = in.read();
      switch (tag) {
        case NULL:
          fields.put(name, null);
          break;
        case NUMBER:
          fields.put(name, data.readDouble());
          break;
        case TEXT:
          fields.put(name, STRING.decode(in));
          break;
        default:
          throw new CoderException("bad field tag " + tag);
      }
    }
    return new DataRecord(id, dataType, fields, payload);
  }

  @Override
  public void verifyDeterministic() {}
}

package dev.modelserving.beam.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Encodes a {@link RejectedModel}: name, version, uuid, format, data type, reason and time. */
public final class RejectedModelCoder extends AtomicCoder<RejectedModel> {
  private static final RejectedModelCoder INSTANCE = new RejectedModelCoder();
  private static final Coder<String> NULLABLE = NullableCoder.of(StringUtf8Coder.of());
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final Coder<Long> LONG = VarLongCoder.of();

  public static RejectedModelCoder of() {
    return INSTANCE;
  }

  private RejectedModelCoder() {}

  @Override
  public void encode(RejectedModel m, OutputStream out) throws IOException {
    NULLABLE.encode(m.getName(), out);
    NULLABLE.encode(m.getVersion(), out);
    NULLABLE.encode(m.getUuid(), out);
    NULLABLE.encode(m.getFormat(), out);
    NULLABLE.encode(m.getDataType(), out);
    STRING.encode(m.getReason(), out);
    LONG.encode(m.getRejectedAtMillis(), out);
  }

  @Override
  public RejectedModel decode(InputStream in) throws IOException {
    return new RejectedModel(NULLABLE.decode(in), NULLABLE.decode(in), NULLABLE.decode(in),
        NULLABLE.decode(in), NULLABLE.decode(in), STRING.decode(in), LONG.decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}

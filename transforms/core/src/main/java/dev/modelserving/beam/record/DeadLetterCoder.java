package dev.modelserving.beam.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Encodes a {@link DeadLetter}: payload, data type, stage (by name), reason and time. */
public final class DeadLetterCoder extends AtomicCoder<DeadLetter> {
  private static final DeadLetterCoder INSTANCE = new DeadLetterCoder();
  private static final Coder<String> NULLABLE = NullableCoder.of(StringUtf8Coder.of());
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final Coder<Long> LONG = VarLongCoder.of();

  public static DeadLetterCoder of() {
    return INSTANCE;
  }

  private DeadLetterCoder() {}

  @Override
  public void encode(DeadLetter d, OutputStream out) throws IOException {
    NULLABLE.encode(d.getPayload(), out);
    NULLABLE.encode(d.getDataType(), out);
    STRING.encode(d.getStage().name(), out);
    STRING.encode(d.getReason(), out);
    LONG.encode(d.getFailedAtMillis(), out);
  }

  @Override
  public DeadLetter decode(InputStream in) throws IOException {
    String payload = NULLABLE.decode(in);
    String dataType = NULLABLE.decode(in);
    String stage = STRING.decode(in);
    DeadLetter.Stage parsed;
    try {
      parsed = DeadLetter.Stage.valueOf(stage);
    } catch (IllegalArgumentException e) {
      throw new CoderException("unknown dead-letter stage '" + stage + "'");
    }
    return new DeadLetter(payload, dataType, parsed, STRING.decode(in), LONG.decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}

package dev.modelserving.beam.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * Encodes a {@link ModelOutput}: value, label, then the probabilities and the named fields as
 * counted lists, in the model's order (so class order survives a shuffle).
 */
public final class ModelOutputCoder extends AtomicCoder<ModelOutput> {
  private static final ModelOutputCoder INSTANCE = new ModelOutputCoder();
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final Coder<String> NULLABLE_STRING = NullableCoder.of(STRING);
  private static final Coder<Double> DOUBLE = DoubleCoder.of();
  private static final Coder<Double> NULLABLE_DOUBLE = NullableCoder.of(DOUBLE);
  private static final Coder<Integer> COUNT = VarIntCoder.of();
  private static final int NUMBER = 0;
  private static final int TEXT = 1;

  public static ModelOutputCoder of() {
    return INSTANCE;
  }

  private ModelOutputCoder() {}

  @Override
  public void encode(ModelOutput output, OutputStream out) throws IOException {
    NULLABLE_DOUBLE.encode(output.getValue(), out);
    NULLABLE_STRING.encode(output.getLabel(), out);
    Map<String, Double> probabilities = output.getProbabilities();
    COUNT.encode(probabilities.size(), out);
    for (Map.Entry<String, Double> p : probabilities.entrySet()) {
      STRING.encode(p.getKey(), out);
      DOUBLE.encode(p.getValue(), out);
    }
    Map<String, Object> fields = output.getFields();
    COUNT.encode(fields.size(), out);
    for (Map.Entry<String, Object> f : fields.entrySet()) {
      STRING.encode(f.getKey(), out);
      if (f.getValue() instanceof Double) {
        out.write(NUMBER);
        DOUBLE.encode((Double) f.getValue(), out);
      } else {
        out.write(TEXT);
        STRING.encode(f.getValue().toString(), out);
      }
    }
  }

  @Override
  public ModelOutput decode(InputStream in) throws IOException {
    ModelOutput.Builder b = ModelOutput.builder()
        .value(NULLABLE_DOUBLE.decode(in))
        .label(NULLABLE_STRING.decode(in));
    int n = COUNT.decode(in);
    if (n > 0) {
      Map<String, Double> probabilities = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        probabilities.put(STRING.decode(in), DOUBLE.decode(in));
      }
      b.probabilities(probabilities);
    }
    int fields = COUNT.decode(in);
    for (int i = 0; i < fields; i++) {
      String name = STRING.decode(in);
      int tag = in.read();
      switch (tag) {
        case NUMBER:
          b.field(name, DOUBLE.decode(in));
          break;
        case TEXT:
          b.field(name, STRING.decode(in));
          break;
        default:
          throw new CoderException("unknown model output field tag " + tag);
      }
    }
    return b.build();
  }

  @Override
  public void verifyDeterministic() {}
}

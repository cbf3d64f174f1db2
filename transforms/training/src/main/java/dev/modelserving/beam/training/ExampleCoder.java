package dev.modelserving.beam.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/**
 * Encodes an {@link Example}: a format marker, feature count, features, label, reference label,
 * holdout flag, event time. Examples in state written before the marker existed (feature count
 * first, no reference) are still read, with no reference.
 */
final class ExampleCoder extends AtomicCoder<Example> {
  private static final ExampleCoder INSTANCE = new ExampleCoder();
  private static final int MAX_FEATURES = 1 << 20;
  /** Negative, so that it cannot be the feature count that began the first format. */
  private static final int WITH_REFERENCE = -2;

  static ExampleCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Example e, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(WITH_REFERENCE);
    d.writeInt(e.features.length);
    for (double v : e.features) {
      d.writeDouble(v);
    }
    d.writeDouble(e.label);
    d.writeDouble(e.reference);
    d.writeBoolean(e.holdout);
    d.writeLong(e.timestampMillis);
    d.flush();
  }

  @Override
  public Example decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int first = d.readInt();
    boolean withReference = first == WITH_REFERENCE;
    int n = withReference ? d.readInt() : first;
    if (n < 0 || n > MAX_FEATURES) {
      throw new CoderException("an example with " + n + " features");
    }
    double[] features = new double[n];
    for (int i = 0; i < n; i++) {
      features[i] = d.readDouble();
    }
    double label = d.readDouble();
    double reference = withReference ? d.readDouble() : Double.NaN;
    return new Example(features, label, reference, d.readBoolean(), d.readLong());
  }

  @Override
  public void verifyDeterministic() {}
}

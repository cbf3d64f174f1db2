package dev.modelserving.beam.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/** Encodes an {@link Example}: feature count, features, label, holdout flag, event time. */
final class ExampleCoder extends AtomicCoder<Example> {
  private static final ExampleCoder INSTANCE = new ExampleCoder();
  private static final int MAX_FEATURES = 1 << 20;

  static ExampleCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Example e, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(e.features.length);
    for (double v : e.features) {
      d.writeDouble(v);
    }
    d.writeDouble(e.label);
    d.writeBoolean(e.holdout);
    d.writeLong(e.timestampMillis);
    d.flush();
  }

  @Override
  public Example decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int n = d.readInt();
    if (n < 0 || n > MAX_FEATURES) {
      throw new CoderException("an example with " + n + " features");
    }
    double[] features = new double[n];
    for (int i = 0; i < n; i++) {
      features[i] = d.readDouble();
    }
    return new Example(features, d.readDouble(), d.readBoolean(), d.readLong());
  }

  @Override
  public void verifyDeterministic() {}
}

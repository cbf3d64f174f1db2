package dev.modelserving.beam.training;

import dev.modelserving.beam.training.sgd.Standardizer;
import dev.modelserving.beam.training.sgd.Weights;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/**
 * Encodes a {@link TrainerState} field by field, behind a format byte, so that a checkpoint taken by
 * this version can be read by the next.
 */
final class TrainerStateCoder extends AtomicCoder<TrainerState> {
  private static final TrainerStateCoder INSTANCE = new TrainerStateCoder();
  private static final int FORMAT = 1;
  private static final int MAX_SIZE = 1 << 24;

  static TrainerStateCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(TrainerState s, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeByte(FORMAT);
    d.writeLong(s.version);
    d.writeUTF(s.parentVersion);
    d.writeUTF(s.parentUuid);
    d.writeBoolean(s.standardizer != null);
    if (s.standardizer != null) {
      d.writeInt(s.standardizer.features());
      for (int f = 0; f < s.standardizer.features(); f++) {
        d.writeDouble(s.standardizer.mean(f));
        d.writeDouble(s.standardizer.scale(f));
      }
    }
    Weights w = s.weights;
    d.writeInt(w.outputs());
    d.writeInt(w.features());
    for (int o = 0; o < w.outputs(); o++) {
      d.writeDouble(w.intercept(o));
      for (int f = 0; f < w.features(); f++) {
        d.writeDouble(w.coefficient(o, f));
      }
    }
    d.writeLong(w.updates());
    d.writeLong(s.totalTrained);
    d.writeLong(s.pendingTrained);
    d.writeLong(s.pendingStartMillis);
    d.writeLong(s.pendingEndMillis);
    d.writeInt(s.pendingSteps);
    d.writeInt(s.holdout.size());
    d.flush();
    for (Example e : s.holdout) {
      ExampleCoder.of().encode(e, out);
    }
  }

  @Override
  public TrainerState decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int format = d.readByte();
    if (format != FORMAT) {
      throw new CoderException("trainer state of format " + format + "; this version reads format " + FORMAT);
    }
    long version = d.readLong();
    String parentVersion = d.readUTF();
    String parentUuid = d.readUTF();
    Standardizer standardizer = null;
    if (d.readBoolean()) {
      int n = size(d.readInt());
      double[] means = new double[n];
      double[] scales = new double[n];
      for (int f = 0; f < n; f++) {
        means[f] = d.readDouble();
        scales[f] = d.readDouble();
      }
      standardizer = new Standardizer(means, scales);
    }
    int outputs = size(d.readInt());
    int features = size(d.readInt());
    double[][] coefficients = new double[outputs][features];
    double[] intercepts = new double[outputs];
    for (int o = 0; o < outputs; o++) {
      intercepts[o] = d.readDouble();
      for (int f = 0; f < features; f++) {
        coefficients[o][f] = d.readDouble();
      }
    }
    Weights weights = new Weights(coefficients, intercepts, d.readLong());
    long totalTrained = d.readLong();
    long pendingTrained = d.readLong();
    long pendingStart = d.readLong();
    long pendingEnd = d.readLong();
    int pendingSteps = d.readInt();
    int held = size(d.readInt());
    List<Example> holdout = new ArrayList<>(held);
    for (int i = 0; i < held; i++) {
      holdout.add(ExampleCoder.of().decode(in));
    }
    return new TrainerState(version, parentVersion, parentUuid, standardizer, weights, totalTrained, pendingTrained,
        pendingStart, pendingEnd, pendingSteps, holdout);
  }

  private static int size(int n) throws CoderException {
    if (n < 0 || n > MAX_SIZE) {
      throw new CoderException("a trainer state with a size of " + n);
    }
    return n;
  }

  @Override
  public void verifyDeterministic() {}
}

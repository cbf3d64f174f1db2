package dev.modelserving.beam.status;

import static dev.modelserving.beam.status.StatusEncoding.info;
import static dev.modelserving.beam.status.StatusEncoding.number;
import static dev.modelserving.beam.status.StatusEncoding.string;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/** Encodes a {@link ModelStatusReport}: its fields in order, the last change (if any), then each model. */
public final class ModelStatusReportCoder extends AtomicCoder<ModelStatusReport> {
  private static final ModelStatusReportCoder INSTANCE = new ModelStatusReportCoder();

  private ModelStatusReportCoder() {}

  public static ModelStatusReportCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ModelStatusReport r, OutputStream out) throws IOException {
    string(r.getDataType(), out);
    number(r.getSequence(), out);
    number(r.getReportedAtMillis(), out);
    out.write(r.getTrigger().ordinal());
    string(r.getPolicy(), out);
    ModelStatusReport.Change c = r.getLastChange();
    out.write(c == null ? 0 : 1);
    if (c != null) {
      out.write(c.getKind().ordinal());
      string(c.getModelName(), out);
      string(c.getModelVersion(), out);
      string(c.getModelUuid(), out);
      number(c.getAtMillis(), out);
    }
    number(r.getModels().size(), out);
    for (ModelStatusReport.Model m : r.getModels()) {
      info(m.getInfo(), out);
      number(m.getCurrentSinceMillis(), out);
      number(m.getScored(), out);
      number(m.getWon(), out);
      number(m.getFailed(), out);
      number(m.getCalls(), out);
      number(m.getLatencyMinMicros(), out);
      number(m.getLatencyMaxMicros(), out);
      number(m.getLatencySumMicros(), out);
    }
  }

  @Override
  public ModelStatusReport decode(InputStream in) throws IOException {
    String dataType = string(in);
    long sequence = number(in);
    long reportedAt = number(in);
    ModelStatusReport.Trigger trigger = of(ModelStatusReport.Trigger.values(), in.read(), "trigger");
    String policy = string(in);
    ModelStatusReport.Change change = null;
    if (in.read() == 1) {
      change = new ModelStatusReport.Change(of(ModelSetChange.Kind.values(), in.read(), "change kind"), string(in),
          string(in), string(in), number(in));
    }
    int n = (int) number(in);
    List<ModelStatusReport.Model> models = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      models.add(new ModelStatusReport.Model(info(in), number(in), number(in), number(in), number(in), number(in),
          number(in), number(in), number(in)));
    }
    return new ModelStatusReport(dataType, sequence, reportedAt, trigger, policy, change, models);
  }

  private static <E> E of(E[] values, int ordinal, String what) throws CoderException {
    if (ordinal < 0 || ordinal >= values.length) {
      throw new CoderException("unknown model status " + what + " " + ordinal);
    }
    return values[ordinal];
  }

  @Override
  public void verifyDeterministic() {}
}

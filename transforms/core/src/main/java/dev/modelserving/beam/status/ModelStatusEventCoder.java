package dev.modelserving.beam.status;

import static dev.modelserving.beam.status.StatusEncoding.infos;
import static dev.modelserving.beam.status.StatusEncoding.number;
import static dev.modelserving.beam.status.StatusEncoding.string;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/** Encodes a {@link ModelStatusEvent}: a tag byte, then the batch's stats or the change. */
public final class ModelStatusEventCoder extends AtomicCoder<ModelStatusEvent> {
  private static final ModelStatusEventCoder INSTANCE = new ModelStatusEventCoder();
  private static final int BATCH = 0;
  private static final int CHANGE = 1;

  private ModelStatusEventCoder() {}

  public static ModelStatusEventCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ModelStatusEvent e, OutputStream out) throws IOException {
    if (e.isChange()) {
      out.write(CHANGE);
      ModelSetChange c = e.getChange();
      string(c.getDataType(), out);
      out.write(c.getKind().ordinal());
      string(c.getModelName(), out);
      string(c.getModelVersion(), out);
      string(c.getModelUuid(), out);
      string(c.getPolicy(), out);
      infos(c.getModels(), out);
      number(c.getChangedAtMillis(), out);
      number(c.getSequence(), out);
    } else {
      out.write(BATCH);
      BatchStats b = e.getBatch();
      string(b.getDataType(), out);
      string(b.getUuid(), out);
      number(b.getScored(), out);
      number(b.getWon(), out);
      number(b.getFailed(), out);
      number(b.getCalls(), out);
      number(b.getLatencyMinMicros(), out);
      number(b.getLatencyMaxMicros(), out);
      number(b.getLatencySumMicros(), out);
    }
  }

  @Override
  public ModelStatusEvent decode(InputStream in) throws IOException {
    int tag = in.read();
    switch (tag) {
      case CHANGE:
        return ModelStatusEvent.of(new ModelSetChange(string(in), kind(in.read()), string(in), string(in), string(in),
            string(in), infos(in), number(in), number(in)));
      case BATCH:
        return ModelStatusEvent.of(new BatchStats(string(in), string(in), number(in), number(in), number(in),
            number(in), number(in), number(in), number(in)));
      default:
        throw new CoderException("unknown model status event tag " + tag);
    }
  }

  private static ModelSetChange.Kind kind(int ordinal) throws CoderException {
    ModelSetChange.Kind[] kinds = ModelSetChange.Kind.values();
    if (ordinal < 0 || ordinal >= kinds.length) {
      throw new CoderException("unknown model set change kind " + ordinal);
    }
    return kinds[ordinal];
  }

  @Override
  public void verifyDeterministic() {}
}

package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.Routing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Broadcast mode: the model set of one data type after an admitted message, as every worker
 * receives it: the current model of every name (oldest first, with bytes) and the routing, numbered
 * so that the newest snapshot wins whatever order a runner delivers them in.
 */
final class ModelSetSnapshot {
  final String dataType;
  final long sequence;
  final List<ModelDescriptor> models;
  final Routing routing;

  ModelSetSnapshot(String dataType, long sequence, List<ModelDescriptor> models, Routing routing) {
    this.dataType = dataType;
    this.sequence = sequence;
    this.models = Collections.unmodifiableList(new ArrayList<>(models));
    this.routing = routing;
  }

  /** A snapshot of nothing, that only makes the side input exist. */
  static ModelSetSnapshot marker() {
    return new ModelSetSnapshot("", -1, List.of(), Routing.getDefaultInstance());
  }

  boolean isMarker() {
    return dataType.isEmpty();
  }

  List<String> names() {
    List<String> names = new ArrayList<>(models.size());
    for (ModelDescriptor m : models) {
      names.add(m.getName());
    }
    return names;
  }

  /** The current model called {@code name}, or null. */
  ModelDescriptor model(String name) {
    for (ModelDescriptor m : models) {
      if (m.getName().equals(name)) {
        return m;
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelSetSnapshot)) {
      return false;
    }
    ModelSetSnapshot s = (ModelSetSnapshot) o;
    return sequence == s.sequence && dataType.equals(s.dataType) && models.equals(s.models) && routing.equals(s.routing);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dataType, sequence);
  }

  @Override
  public String toString() {
    return "'" + dataType + "' #" + sequence + " " + names();
  }

  /** Encodes a snapshot: data type, sequence, the models, the routing. */
  static final class SnapshotCoder extends AtomicCoder<ModelSetSnapshot> {
    private static final SnapshotCoder INSTANCE = new SnapshotCoder();

    static SnapshotCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ModelSetSnapshot s, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(s.dataType, out);
      VarLongCoder.of().encode(s.sequence, out);
      VarIntCoder.of().encode(s.models.size(), out);
      for (ModelDescriptor m : s.models) {
        ModelDescriptorCoder.of().encode(m, out);
      }
      RoutingCoder.of().encode(s.routing, out);
    }

    @Override
    public ModelSetSnapshot decode(InputStream in) throws IOException {
      String dataType = StringUtf8Coder.of().decode(in);
      long sequence = VarLongCoder.of().decode(in);
      int n = VarIntCoder.of().decode(in);
      List<ModelDescriptor> models = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        models.add(ModelDescriptorCoder.of().decode(in));
      }
      return new ModelSetSnapshot(dataType, sequence, models, RoutingCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}

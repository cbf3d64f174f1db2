package dev.modelserving.beam.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;

/** Broadcast mode's side input: the newest {@link ModelSetSnapshot} of every data type. */
final class LatestModels {
  private static final LatestModels EMPTY = new LatestModels(Collections.emptyMap());

  private final Map<String, ModelSetSnapshot> byDataType;

  private LatestModels(Map<String, ModelSetSnapshot> byDataType) {
    this.byDataType = byDataType;
  }

  static LatestModels empty() {
    return EMPTY;
  }

  /**
   * The newest snapshot of every data type among several values (usually one): a runner may
   * deliver more than one combined value of the side input.
   */
  static LatestModels merge(Iterable<LatestModels> values) {
    LatestModels only = null;
    Map<String, ModelSetSnapshot> merged = null;
    for (LatestModels value : values) {
      if (only == null && merged == null) {
        only = value;
        continue;
      }
      if (merged == null) {
        merged = new LinkedHashMap<>(only.byDataType);
      }
      for (ModelSetSnapshot s : value.byDataType.values()) {
        LatestFn.keepNewest(merged, s);
      }
    }
    return merged != null ? new LatestModels(Collections.unmodifiableMap(merged)) : only != null ? only : EMPTY;
  }

  /** The model set of a data type, or null if it has none. */
  ModelSetSnapshot get(String dataType) {
    ModelSetSnapshot s = byDataType.get(dataType);
    return s == null || s.models.isEmpty() ? null : s;
  }

  int size() {
    return byDataType.size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatestModels && byDataType.equals(((LatestModels) o).byDataType);
  }

  @Override
  public int hashCode() {
    return byDataType.hashCode();
  }

  @Override
  public String toString() {
    return "LatestModels" + byDataType.values();
  }

  /** Combines snapshots into the newest per data type; a marker only makes the value exist. */
  static final class LatestFn extends Combine.CombineFn<ModelSetSnapshot, Map<String, ModelSetSnapshot>, LatestModels> {
    static void keepNewest(Map<String, ModelSetSnapshot> latest, ModelSetSnapshot s) {
      if (!s.isMarker()) {
        latest.merge(s.dataType, s, (was, now) -> now.sequence >= was.sequence ? now : was);
      }
    }

    @Override
    public Map<String, ModelSetSnapshot> createAccumulator() {
      return new LinkedHashMap<>();
    }

    @Override
    public Map<String, ModelSetSnapshot> addInput(Map<String, ModelSetSnapshot> latest, ModelSetSnapshot s) {
      keepNewest(latest, s);
      return latest;
    }

    @Override
    public Map<String, ModelSetSnapshot> mergeAccumulators(Iterable<Map<String, ModelSetSnapshot>> accumulators) {
      Map<String, ModelSetSnapshot> merged = createAccumulator();
      for (Map<String, ModelSetSnapshot> a : accumulators) {
        a.values().forEach(s -> keepNewest(merged, s));
      }
      return merged;
    }

    @Override
    public LatestModels extractOutput(Map<String, ModelSetSnapshot> latest) {
      return new LatestModels(Collections.unmodifiableMap(new LinkedHashMap<>(latest)));
    }

    @Override
    public Coder<Map<String, ModelSetSnapshot>> getAccumulatorCoder(CoderRegistry registry, Coder<ModelSetSnapshot> in) {
      return new MapCoder();
    }

    @Override
    public Coder<LatestModels> getDefaultOutputCoder(CoderRegistry registry, Coder<ModelSetSnapshot> in) {
      return LatestModelsCoder.of();
    }
  }

  /** Encodes the snapshots in order: a count, then data type and snapshot. */
  static final class MapCoder extends AtomicCoder<Map<String, ModelSetSnapshot>> {
    @Override
    public void encode(Map<String, ModelSetSnapshot> value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.size(), out);
      for (Map.Entry<String, ModelSetSnapshot> e : value.entrySet()) {
        StringUtf8Coder.of().encode(e.getKey(), out);
        ModelSetSnapshot.SnapshotCoder.of().encode(e.getValue(), out);
      }
    }

    @Override
    public Map<String, ModelSetSnapshot> decode(InputStream in) throws IOException {
      int n = VarIntCoder.of().decode(in);
      Map<String, ModelSetSnapshot> map = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        map.put(StringUtf8Coder.of().decode(in), ModelSetSnapshot.SnapshotCoder.of().decode(in));
      }
      return map;
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** Encodes {@link LatestModels} like its map. */
  static final class LatestModelsCoder extends AtomicCoder<LatestModels> {
    private static final LatestModelsCoder INSTANCE = new LatestModelsCoder();
    private static final MapCoder MAP = new MapCoder();

    static LatestModelsCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(LatestModels value, OutputStream out) throws IOException {
      MAP.encode(value.byDataType, out);
    }

    @Override
    public LatestModels decode(InputStream in) throws IOException {
      return new LatestModels(Collections.unmodifiableMap(MAP.decode(in)));
    }

    @Override
    public void verifyDeterministic() {}
  }
}

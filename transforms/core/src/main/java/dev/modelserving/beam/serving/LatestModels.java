package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Broadcast mode's side input: the latest admitted model of every data type (the newest by
 * creation time; on a tie, the one that arrived last).
 */
final class LatestModels {
  private static final LatestModels EMPTY = new LatestModels(Collections.emptyMap());

  private final Map<String, ModelDescriptor> byDataType;

  private LatestModels(Map<String, ModelDescriptor> byDataType) {
    this.byDataType = byDataType;
  }

  static LatestModels empty() {
    return EMPTY;
  }

  /**
   * The newest model of every data type among several values (usually one): a runner may deliver
   * more than one combined value of the side input.
   */
  static LatestModels merge(Iterable<LatestModels> values) {
    LatestModels only = null;
    Map<String, ModelDescriptor> merged = null;
    LatestFn fn = new LatestFn();
    for (LatestModels value : values) {
      if (only == null && merged == null) {
        only = value;
        continue;
      }
      if (merged == null) {
        merged = fn.createAccumulator();
        for (ModelDescriptor m : only.byDataType.values()) {
          fn.addInput(merged, m);
        }
      }
      for (ModelDescriptor m : value.byDataType.values()) {
        fn.addInput(merged, m);
      }
    }
    return merged != null ? fn.extractOutput(merged) : only != null ? only : EMPTY;
  }

  /** The latest model of a data type, or null. */
  ModelDescriptor get(String dataType) {
    return byDataType.get(dataType);
  }

  int size() {
    return byDataType.size();
  }

  Map<String, ModelDescriptor> asMap() {
    return byDataType;
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
    return "LatestModels" + byDataType.keySet();
  }

  /**
   * Combines a stream of models into the latest per data type. A descriptor without a uuid is a
   * marker that only makes the combined value (and so the side input) exist.
   */
  static final class LatestFn extends Combine.CombineFn<ModelDescriptor, Map<String, ModelDescriptor>, LatestModels> {
    @Override
    public Map<String, ModelDescriptor> createAccumulator() {
      return new LinkedHashMap<>();
    }

    @Override
    public Map<String, ModelDescriptor> addInput(Map<String, ModelDescriptor> latest, ModelDescriptor model) {
      if (!model.getUuid().isEmpty()) {
        latest.merge(model.getDataType(), model, (was, now) -> now.getCreatedAtMillis() >= was.getCreatedAtMillis() ? now : was);
      }
      return latest;
    }

    @Override
    public Map<String, ModelDescriptor> mergeAccumulators(Iterable<Map<String, ModelDescriptor>> accumulators) {
      Map<String, ModelDescriptor> merged = createAccumulator();
      for (Map<String, ModelDescriptor> a : accumulators) {
        a.values().forEach(m -> addInput(merged, m));
      }
      return merged;
    }

    @Override
    public LatestModels extractOutput(Map<String, ModelDescriptor> latest) {
      return new LatestModels(Collections.unmodifiableMap(new LinkedHashMap<>(latest)));
    }

    @Override
    public Coder<Map<String, ModelDescriptor>> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry, Coder<ModelDescriptor> inputCoder) {
      return new MapCoder();
    }

    @Override
    public Coder<LatestModels> getDefaultOutputCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry, Coder<ModelDescriptor> inputCoder) {
      return LatestModelsCoder.of();
    }
  }

  /** Encodes the models in order: a count, then data type and descriptor. */
  static final class MapCoder extends AtomicCoder<Map<String, ModelDescriptor>> {
    @Override
    public void encode(Map<String, ModelDescriptor> value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.size(), out);
      for (Map.Entry<String, ModelDescriptor> e : value.entrySet()) {
        StringUtf8Coder.of().encode(e.getKey(), out);
        ModelDescriptorCoder.of().encode(e.getValue(), out);
      }
    }

    @Override
    public Map<String, ModelDescriptor> decode(InputStream in) throws IOException {
      int n = VarIntCoder.of().decode(in);
      Map<String, ModelDescriptor> map = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        map.put(StringUtf8Coder.of().decode(in), ModelDescriptorCoder.of().decode(in));
      }
      return map;
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      ModelDescriptorCoder.of().verifyDeterministic();
    }
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
    public void verifyDeterministic() throws NonDeterministicException {
      MAP.verifyDeterministic();
    }
  }
}

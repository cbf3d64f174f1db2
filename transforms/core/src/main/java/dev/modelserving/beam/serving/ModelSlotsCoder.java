package dev.modelserving.beam.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Encodes {@link ModelSlots} in runner state and checkpoints: a count, then per slot its name and the
 * model's name, version, uuid, format and creation time. Stable across releases, unlike Java serialization.
 */
final class ModelSlotsCoder extends AtomicCoder<ModelSlots> {
  private static final ModelSlotsCoder INSTANCE = new ModelSlotsCoder();
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final Coder<Integer> INT = VarIntCoder.of();
  private static final Coder<Long> LONG = VarLongCoder.of();

  static ModelSlotsCoder of() {
    return INSTANCE;
  }

  private ModelSlotsCoder() {}

  @Override
  public void encode(ModelSlots value, OutputStream out) throws IOException {
    Map<String, ModelRef> slots = value.asMap();
    INT.encode(slots.size(), out);
    for (Map.Entry<String, ModelRef> e : slots.entrySet()) {
      ModelRef ref = e.getValue();
      STRING.encode(e.getKey(), out);
      STRING.encode(ref.name, out);
      STRING.encode(ref.version, out);
      STRING.encode(ref.uuid, out);
      STRING.encode(ref.format, out);
      LONG.encode(ref.createdAtMillis, out);
    }
  }

  @Override
  public ModelSlots decode(InputStream in) throws IOException {
    int n = INT.decode(in);
    Map<String, ModelRef> slots = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String slot = STRING.decode(in);
      ModelRef ref = new ModelRef(
          STRING.decode(in), STRING.decode(in), STRING.decode(in), STRING.decode(in), LONG.decode(in));
      slots.put(slotOf(slot, ref), ref);
    }
    return ModelSlots.of(slots);
  }

  /** State written before model sets had one model per key, in slots "current" and "previous". */
  private static String slotOf(String slot, ModelRef ref) {
    switch (slot) {
      case "current":
        return ModelSlots.CURRENT_PREFIX + ref.name;
      case "previous":
        return ModelSlots.PREVIOUS_PREFIX + ref.name;
      default:
        return slot;
    }
  }

  @Override
  public void verifyDeterministic() {}
}

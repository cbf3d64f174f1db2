package dev.modelserving.beam.model;

import dev.modelserving.beam.model.proto.ModelDescriptor;

/**
 * A model format plug-in: turns the bytes of a {@link ModelDescriptor} into a {@link Scorer}.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/dev.modelserving.beam.model.ModelFormat} of the plug-in's jar. The core library
 * ships no format, so that it stays free of AGPL code and native libraries.
 *
 * <pre>{@code
 * public final class OnnxFormat implements ModelFormat {
 *   public String id() { return "onnx"; }
 *   public Scorer load(ModelDescriptor descriptor) throws ModelLoadException { ... }
 * }
 * }</pre>
 */
public interface ModelFormat {

  /** The value of {@link ModelDescriptor#getFormat()} this plug-in loads, e.g. {@code "pmml"}. */
  String id();

  /**
   * Loads a model. Called once per model version and serving key, never per record.
   *
   * @param descriptor a descriptor whose payload is {@code model_bytes} (locations are resolved
   *     before this is called)
   * @throws ModelLoadException with a reason a user can act on, if the bytes are not a valid model
   *     of this format or its inputs do not fit the descriptor's input mapping
   */
  Scorer load(ModelDescriptor descriptor) throws ModelLoadException;

  /**
   * Loads a model under a {@link ModelGuard}: formats that unpack archives apply its {@linkplain
   * ModelGuard#archiveLimits() limits}, graph formats its op allow-list, before the model first
   * runs. The default ignores the guard (its signature, location and size checks ran before).
   */
  default Scorer load(ModelDescriptor descriptor, ModelGuard guard) throws ModelLoadException {
    return load(descriptor);
  }
}

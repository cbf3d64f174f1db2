package dev.modelserving.beam.model;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The {@link ModelFormat} plug-ins on the classpath, by format id. */
public final class ModelFormats {
  private static volatile Map<String, ModelFormat> formats;

  private ModelFormats() {}

  /** All formats found by {@link ServiceLoader}, by {@link ModelFormat#id()}. */
  public static Map<String, ModelFormat> available() {
    Map<String, ModelFormat> found = formats;
    if (found == null) {
      synchronized (ModelFormats.class) {
        found = formats;
        if (found == null) {
          found = new TreeMap<>();
          for (ModelFormat f : ServiceLoader.load(ModelFormat.class, ModelFormats.class.getClassLoader())) {
            found.put(f.id(), f);
          }
          found = Collections.unmodifiableMap(found);
          formats = found;
        }
      }
    }
    return found;
  }

  /** The plug-in for a format id. */
  public static ModelFormat forId(String id) throws ModelLoadException {
    ModelFormat f = available().get(id);
    if (f == null) {
      throw new ModelLoadException(
          "unknown model format '" + id + "'; formats on the classpath: " + available().keySet()
              + " (add the format's module, e.g. model-serving-pmml, as a dependency)");
    }
    return f;
  }

  /**
   * Loads a model and checks that every record field it reads is among {@code recordFields} (when
   * not null), so a mismatch is reported once, at load, and not for every record.
   */
  public static Scorer load(ModelDescriptor descriptor, java.util.List<String> recordFields)
      throws ModelLoadException {
    return load(descriptor, recordFields, ModelGuard.defaults());
  }

  /** {@link #load(ModelDescriptor, java.util.List)} under a {@link ModelGuard}. */
  public static Scorer load(ModelDescriptor descriptor, java.util.List<String> recordFields, ModelGuard guard)
      throws ModelLoadException {
    Scorer scorer = load(descriptor, guard);
    if (recordFields != null) {
      java.util.List<String> missing = new java.util.ArrayList<>(scorer.requiredFields());
      missing.removeAll(recordFields);
      if (!missing.isEmpty()) {
        scorer.close();
        throw new ModelLoadException(
            "the model reads record fields " + missing + " that the records do not have; record fields are "
                + recordFields + " (map model inputs to record fields in the descriptor's input_mapping)");
      }
    }
    return scorer;
  }

  /** Loads a descriptor that carries its bytes, through the plug-in its format names. */
  public static Scorer load(ModelDescriptor descriptor) throws ModelLoadException {
    return load(descriptor, ModelGuard.defaults());
  }

  /**
   * Loads a descriptor that carries its bytes under a {@link ModelGuard}: its format plug-in
   * applies the guard's archive limits and graph op allow-list (the signature, location and size
   * are checked by {@link ModelGuard#admit} before the model reaches a loader).
   */
  public static Scorer load(ModelDescriptor descriptor, ModelGuard guard) throws ModelLoadException {
    ModelDescriptors.checkLoadable(descriptor);
    if (descriptor.getModelBytes().size() > guard.maxModelBytes()) {
      throw new ModelLoadException("model " + ModelDescriptors.describe(descriptor) + " has "
          + descriptor.getModelBytes().size() + " bytes, over the limit of " + guard.maxModelBytes()
          + " model bytes (--maxModelBytes)");
    }
    try {
      return forId(descriptor.getFormat()).load(descriptor, guard);
    } catch (ModelLoadException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw new ModelLoadException(
          descriptor.getFormat() + " model could not be loaded: " + e, e);
    }
  }
}

package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.Serializable;
import java.util.Objects;

/** The identity of a served model, without its bytes: what is read from state for every record. */
final class ModelRef implements Serializable {
  private static final long serialVersionUID = 1L;

  final String name;
  final String version;
  final String uuid;
  final String format;
  /** When the model was created (0: unknown); an older model does not replace a newer one. */
  final long createdAtMillis;

  ModelRef(String name, String version, String uuid, String format, long createdAtMillis) {
    this.name = name;
    this.version = version;
    this.uuid = uuid;
    this.format = format;
    this.createdAtMillis = createdAtMillis;
  }

  /** True if {@code d} is this model (same uuid). */
  boolean is(ModelDescriptor d) {
    return uuid.equals(d.getUuid());
  }

  static ModelRef of(ModelDescriptor d) {
    return new ModelRef(d.getName(), d.getVersion(), d.getUuid(), d.getFormat(), d.getCreatedAtMillis());
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelRef)) {
      return false;
    }
    ModelRef r = (ModelRef) o;
    return uuid.equals(r.uuid) && Objects.equals(name, r.name) && Objects.equals(version, r.version)
        && Objects.equals(format, r.format) && createdAtMillis == r.createdAtMillis;
  }

  @Override
  public int hashCode() {
    return uuid.hashCode();
  }

  @Override
  public String toString() {
    return "'" + name + "' v" + version + " (" + uuid + ")";
  }
}

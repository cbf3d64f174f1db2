package dev.modelserving.beam.status;

import java.io.Serializable;
import java.util.Objects;

/**
 * One model of a data type's set as the status stream names it: its identity, its role in the set
 * under the data type's serving policy, and when it was loaded.
 *
 * <p>Roles: {@code current} (the {@code current} policy's model), {@code fast} (always waited for
 * under a latency budget), {@code preferred 1}, {@code preferred 2}, ... ({@code speculative}, best
 * first), {@code consulted} ({@code consensus}, {@code best-confidence}), {@code routed 90%}
 * ({@code routed}: its share of the records), {@code shadow}, or {@code idle} (in the set, but the
 * policy does not call it).
 */
public final class ModelInfo implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String version;
  private final String uuid;
  private final String format;
  private final String role;
  private final long loadedAtMillis;

  /**
   * @param loadedAtMillis when the load of the model ended in the worker that reported it, by the
   *     wall clock; 0 if it was not loaded there (e.g. an idle model)
   */
  public ModelInfo(String name, String version, String uuid, String format, String role, long loadedAtMillis) {
    this.name = nonNull(name);
    this.version = nonNull(version);
    this.uuid = Objects.requireNonNull(uuid, "uuid");
    this.format = nonNull(format);
    this.role = nonNull(role);
    this.loadedAtMillis = loadedAtMillis;
  }

  public String getName() {
    return name;
  }

  public String getVersion() {
    return version;
  }

  public String getUuid() {
    return uuid;
  }

  public String getFormat() {
    return format;
  }

  /** The model's role in its set: see the class comment. */
  public String getRole() {
    return role;
  }

  /** When the model's load ended, by the wall clock of the worker that reported it; 0 if unknown. */
  public long getLoadedAtMillis() {
    return loadedAtMillis;
  }

  /** A copy with another load time. */
  ModelInfo withLoadedAtMillis(long millis) {
    return new ModelInfo(name, version, uuid, format, role, millis);
  }

  /** True if the same model (uuid) has the same role. */
  boolean sameRole(ModelInfo other) {
    return uuid.equals(other.uuid) && role.equals(other.role);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelInfo)) {
      return false;
    }
    ModelInfo m = (ModelInfo) o;
    return loadedAtMillis == m.loadedAtMillis && name.equals(m.name) && version.equals(m.version)
        && uuid.equals(m.uuid) && format.equals(m.format) && role.equals(m.role);
  }

  @Override
  public int hashCode() {
    return uuid.hashCode();
  }

  @Override
  public String toString() {
    return "'" + name + "' v" + version + " (" + uuid + ", " + format + ", " + role + ")";
  }
}

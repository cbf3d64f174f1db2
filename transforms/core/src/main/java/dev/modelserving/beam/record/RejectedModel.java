package dev.modelserving.beam.record;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.Serializable;
import java.util.Objects;

/**
 * A model that was refused (unreadable location, corrupt bytes, unknown format, inputs that do not
 * fit the records), with the reason. The model that was serving before keeps serving.
 */
public final class RejectedModel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String version;
  private final String uuid;
  private final String format;
  private final String dataType;
  private final String reason;
  private final long rejectedAtMillis;

  public RejectedModel(
      String name, String version, String uuid, String format, String dataType, String reason,
      long rejectedAtMillis) {
    this.name = name;
    this.version = version;
    this.uuid = uuid;
    this.format = format;
    this.dataType = dataType;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.rejectedAtMillis = rejectedAtMillis;
  }

  public static RejectedModel of(ModelDescriptor d, String reason) {
    return new RejectedModel(
        d.getName(), d.getVersion(), d.getUuid(), d.getFormat(), d.getDataType(), reason,
        System.currentTimeMillis());
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

  public String getDataType() {
    return dataType;
  }

  public String getReason() {
    return reason;
  }

  public long getRejectedAtMillis() {
    return rejectedAtMillis;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RejectedModel)) {
      return false;
    }
    RejectedModel r = (RejectedModel) o;
    return rejectedAtMillis == r.rejectedAtMillis
        && Objects.equals(name, r.name)
        && Objects.equals(version, r.version)
        && Objects.equals(uuid, r.uuid)
        && Objects.equals(format, r.format)
        && Objects.equals(dataType, r.dataType)
        && reason.equals(r.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, uuid, format, dataType, reason, rejectedAtMillis);
  }

  @Override
  public String toString() {
    return "rejected model '" + name + "' version " + version + " (" + uuid + "): " + reason;
  }
}

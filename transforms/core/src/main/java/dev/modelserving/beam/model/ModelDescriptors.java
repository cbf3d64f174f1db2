package dev.modelserving.beam.model;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import com.google.protobuf.ByteString;

/** Checks and helpers for {@link ModelDescriptor}s. */
public final class ModelDescriptors {
  private ModelDescriptors() {}

  /** A one-line description for logs and errors: name, version, uuid, format. */
  public static String describe(ModelDescriptor d) {
    return String.format(
        "'%s' version %s (uuid %s, format %s, data type '%s')",
        d.getName(), d.getVersion(), d.getUuid(), d.getFormat(), d.getDataType());
  }

  /** Fails unless the descriptor names its data type, format and uuid and carries its bytes. */
  public static void checkLoadable(ModelDescriptor d) throws ModelLoadException {
    checkIdentified(d);
    if (d.getPayloadCase() != ModelDescriptor.PayloadCase.MODEL_BYTES || d.getModelBytes().isEmpty()) {
      throw new ModelLoadException(
          "model " + describe(d) + " carries no model bytes"
              + (d.getPayloadCase() == ModelDescriptor.PayloadCase.LOCATION
                  ? " (its location " + d.getLocation() + " was not read)"
                  : ""));
    }
  }

  /** Fails unless the descriptor names its data type, format and uuid. */
  public static void checkIdentified(ModelDescriptor d) throws ModelLoadException {
    if (d.getDataType().isEmpty()) {
      throw new ModelLoadException("model '" + d.getName() + "' has no data_type");
    }
    if (d.getFormat().isEmpty()) {
      throw new ModelLoadException("model '" + d.getName() + "' has no format");
    }
    if (d.getUuid().isEmpty()) {
      throw new ModelLoadException("model '" + d.getName() + "' has no uuid");
    }
  }

  /**
   * Returns the descriptor with its {@code location} replaced by the bytes found there, read
   * through Beam {@link FileSystems} ({@code file://}, {@code gs://}, {@code s3://}, ... wherever
   * the filesystem module is on the classpath). A descriptor that already carries bytes is returned
   * as it is.
   */
  public static ModelDescriptor resolveLocation(ModelDescriptor d) throws ModelLoadException {
    if (d.getPayloadCase() != ModelDescriptor.PayloadCase.LOCATION) {
      return d;
    }
    String location = d.getLocation();
    try {
      MatchResult.Metadata meta = FileSystems.matchSingleFileSpec(location);
      ResourceId resource = meta.resourceId();
      try (ReadableByteChannel channel = FileSystems.open(resource);
          InputStream in = Channels.newInputStream(channel)) {
        return d.toBuilder().setModelBytes(ByteString.readFrom(in)).build();
      }
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(
          "cannot read model " + describe(d) + " from location " + location + ": " + e, e);
    }
  }
}

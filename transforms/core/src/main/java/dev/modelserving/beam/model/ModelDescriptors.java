package dev.modelserving.beam.model;

import dev.modelserving.beam.model.proto.ModelAction;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import java.util.UUID;
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

  /** A one-line description for logs and errors: name, version, uuid, format; or the set operation. */
  public static String describe(ModelDescriptor d) {
    switch (d.getAction()) {
      case REMOVE:
        return String.format("remove '%s' (data type '%s')", d.getName(), d.getDataType());
      case ROLLBACK:
        return String.format("rollback '%s'%s (data type '%s')", d.getName(),
            d.getVersion().isEmpty() ? "" : " to version " + d.getVersion(), d.getDataType());
      case ROUTE:
        return String.format("route %s (data type '%s')", describe(d.getRouting()), d.getDataType());
      default:
        return String.format(
            "'%s' version %s (uuid %s, format %s, data type '%s')",
            d.getName(), d.getVersion(), d.getUuid(), d.getFormat(), d.getDataType());
    }
  }

  /** A routing as text: {@code weights {a=90.0, b=10.0}, shadows [c]}. */
  public static String describe(Routing r) {
    StringBuilder s = new StringBuilder("weights {");
    for (int i = 0; i < r.getWeightsCount(); i++) {
      s.append(i == 0 ? "" : ", ").append(r.getWeights(i).getModel()).append('=').append(r.getWeights(i).getWeight());
    }
    return s.append("}, shadows ").append(r.getShadowsList()).toString();
  }

  /** True if the message adds (or replaces) a model, as every message without an action does. */
  public static boolean isAdd(ModelDescriptor d) {
    return d.getAction() == ModelAction.ADD;
  }

  /** A message that removes model {@code name} from the set of {@code dataType}. */
  public static ModelDescriptor remove(String dataType, String name) {
    return control(dataType, name).setAction(ModelAction.REMOVE).build();
  }

  /**
   * A message that makes the previous version of model {@code name} current again; with a {@code
   * version} (may be null), only if the previous version is that one.
   */
  public static ModelDescriptor rollback(String dataType, String name, String version) {
    return control(dataType, name).setAction(ModelAction.ROLLBACK).setVersion(version == null ? "" : version).build();
  }

  /** A message that replaces the routing of {@code dataType}. */
  public static ModelDescriptor route(String dataType, Routing routing) {
    return control(dataType, "").setAction(ModelAction.ROUTE).setRouting(routing).build();
  }

  private static ModelDescriptor.Builder control(String dataType, String name) {
    return ModelDescriptor.newBuilder().setDataType(dataType).setName(name)
        .setUuid(UUID.randomUUID().toString()).setCreatedAtMillis(System.currentTimeMillis());
  }

  /**
   * Fails unless a set operation is complete: every message names its data type; remove and
   * rollback name a model; a route has weights that are not negative and sum to more than zero, or none.
   */
  public static void checkOperation(ModelDescriptor d) throws ModelLoadException {
    if (d.getDataType().isEmpty()) {
      throw new ModelLoadException("model message '" + d.getName() + "' (" + d.getAction() + ") has no data_type");
    }
    switch (d.getAction()) {
      case ADD:
        checkIdentified(d);
        return;
      case REMOVE:
      case ROLLBACK:
        if (d.getName().isEmpty()) {
          throw new ModelLoadException(d.getAction() + " message for data type '" + d.getDataType() + "' names no model");
        }
        return;
      case ROUTE:
        double total = 0;
        for (ModelWeight w : d.getRouting().getWeightsList()) {
          if (w.getModel().isEmpty() || !(w.getWeight() >= 0) || Double.isInfinite(w.getWeight())) {
            throw new ModelLoadException("route message for data type '" + d.getDataType() + "' has a bad weight: '"
                + w.getModel() + "'=" + w.getWeight() + " (weights name a model and are finite and not negative)");
          }
          total += w.getWeight();
        }
        if (d.getRouting().getWeightsCount() > 0 && total <= 0) {
          throw new ModelLoadException("route message for data type '" + d.getDataType() + "' has weights that sum to 0");
        }
        return;
      default:
        throw new ModelLoadException("model message '" + d.getName() + "' has an action this version does not know ("
            + d.getActionValue() + "); upgrade the serving pipeline");
    }
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
      LocalFiles.checkModelLocation(location);
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

package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.proto.Routing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;

/** Encodes a {@link Routing} as its protobuf bytes, in runner state and checkpoints. */
final class RoutingCoder extends AtomicCoder<Routing> {
  private static final RoutingCoder INSTANCE = new RoutingCoder();

  static RoutingCoder of() {
    return INSTANCE;
  }

  private RoutingCoder() {}

  @Override
  public void encode(Routing value, OutputStream out) throws IOException {
    ByteArrayCoder.of().encode(value.toByteArray(), out);
  }

  @Override
  public Routing decode(InputStream in) throws IOException {
    return Routing.parseFrom(ByteArrayCoder.of().decode(in));
  }
}

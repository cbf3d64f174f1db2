package dev.modelserving.beam.model;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;

/** Encodes a {@link ModelDescriptor} as its protobuf bytes. */
public final class ModelDescriptorCoder extends AtomicCoder<ModelDescriptor> {
  private static final ModelDescriptorCoder INSTANCE = new ModelDescriptorCoder();
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  public static ModelDescriptorCoder of() {
    return INSTANCE;
  }

  private ModelDescriptorCoder() {}

  @Override
  public void encode(ModelDescriptor value, OutputStream out) throws IOException {
    BYTES.encode(value.toByteArray(), out);
  }

  @Override
  public ModelDescriptor decode(InputStream in) throws IOException {
    byte[] bytes = BYTES.decode(in);
    try {
      return ModelDescriptor.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new CoderException("corrupt ModelDescriptor in state or shuffle", e);
    }
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    throw new NonDeterministicException(this, "protobuf map fields (input_mapping) have no fixed order");
  }
}

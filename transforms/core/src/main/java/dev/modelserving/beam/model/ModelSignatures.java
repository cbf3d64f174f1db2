package dev.modelserving.beam.model;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Ed25519 signatures of model messages, with the JDK's own crypto ({@code Signature.getInstance("Ed25519")}).
 *
 * <p>A signature covers the <b>canonical encoding</b> of a {@link ModelDescriptor}: every field but
 * {@code signature} (15) and {@code signing_key_id} (16), so the model's content and all of its
 * metadata (name, description, data type, format, version, uuid, created_at, input and output
 * mapping, action, routing, lineage). The encoding does not depend on how protobuf serializes a
 * message (which is not canonical); it is, as bytes:
 *
 * <pre>
 * "modelserving-signature-v1" 0x00
 * message  := for each field of the message, in field-number order, that is set (a scalar or enum
 *             other than its default, a present message, a non-empty repeated or map field):
 *               int32 field number, value
 * value    := string: int32 byte length, UTF-8 bytes | bytes: int32 length, bytes
 *           | int32/int64/uint/sint/fixed: int64 | bool: one byte 0/1 | enum: int32 number
 *           | double: int64 IEEE bits | float: int32 IEEE bits | message: int32 length, message
 * repeated := int32 count, each value in order
 * map      := int32 count, entries sorted by their encoded key (unsigned bytes), each key value then value value
 * </pre>
 *
 * (all integers big-endian). The payload is special: whether the message carries its bytes
 * ({@code model_bytes}) or a {@code location}, field 8 is encoded as the 32-byte SHA-256 digest of
 * the model bytes (those read at the location, for a location) and the location string is not
 * encoded; so a model is signed over its bytes, and the same signature holds whether they travel in
 * the message or are read from a location. A message with fields this version does not know
 * (unknown fields) cannot be verified and is refused: the signer may have covered them.
 */
public final class ModelSignatures {
  /** The signature algorithm, as the JDK names it. */
  public static final String ALGORITHM = "Ed25519";
  private static final byte[] MAGIC = "modelserving-signature-v1\0".getBytes(StandardCharsets.US_ASCII);

  private ModelSignatures() {}

  /** The canonical encoding of {@code d} with its model bytes {@code content} (empty for a set operation). */
  public static byte[] canonical(ModelDescriptor d, byte[] content) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      writeMessage(out, d, true, content == null ? new byte[0] : content);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e); // in memory
    }
  }

  /** {@code d} (carrying its bytes or a location whose bytes are {@code content}) signed with {@code key}. */
  public static ModelDescriptor sign(ModelDescriptor d, byte[] content, PrivateKey key, String keyId) {
    try {
      ModelDescriptor unsigned = d.toBuilder().clearSignature().setSigningKeyId("").build();
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(canonical(unsigned, content));
      return unsigned.toBuilder().setSignature(ByteString.copyFrom(s.sign())).setSigningKeyId(keyId).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key (an Ed25519 private key is needed): " + e, e);
    }
  }

  /** A message that carries its bytes, signed over them. */
  public static ModelDescriptor sign(ModelDescriptor d, PrivateKey key, String keyId) {
    return sign(d, d.getModelBytes().toByteArray(), key, keyId);
  }

  /**
   * Fails, with a reason a user can act on, unless {@code d} is signed by one of {@code trusted}
   * (key id to public key) over its content and metadata, its model bytes being {@code content}.
   */
  public static void verify(ModelDescriptor d, byte[] content, Map<String, PublicKey> trusted)
      throws ModelLoadException {
    String what = ModelDescriptors.describe(d);
    if (d.getSignature().isEmpty()) {
      throw new ModelLoadException("model " + what + " is not signed, and this pipeline serves only models signed by"
          + " a trusted key (trusted key ids " + trusted.keySet() + "); sign it with publish-model --signingKey");
    }
    PublicKey key = trusted.get(d.getSigningKeyId());
    if (key == null) {
      throw new ModelLoadException("model " + what + " is signed by unknown key '" + d.getSigningKeyId()
          + "'; trusted key ids are " + trusted.keySet() + " (add its public key to --trustedKeys to trust it)");
    }
    if (hasUnknownFields(d)) {
      throw new ModelLoadException("model " + what + " carries fields this version does not know, so its signature"
          + " cannot be checked; upgrade the serving pipeline");
    }
    boolean valid;
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(canonical(d, content));
      valid = s.verify(d.getSignature().toByteArray());
    } catch (GeneralSecurityException | RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw new ModelLoadException("model " + what + " has a bad signature for key '" + d.getSigningKeyId()
          + "': its content or metadata " + (d.getPayloadCase() == ModelDescriptor.PayloadCase.LOCATION
              ? "(or the bytes at its location " + d.getLocation() + ") " : "")
          + "changed after it was signed, or it was signed with another key");
    }
  }

  private static boolean hasUnknownFields(Message m) {
    if (!m.getUnknownFields().asMap().isEmpty()) {
      return true;
    }
    for (Map.Entry<FieldDescriptor, Object> f : m.getAllFields().entrySet()) {
      if (f.getKey().getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        List<?> values = f.getKey().isRepeated() ? (List<?>) f.getValue() : List.of(f.getValue());
        for (Object v : values) {
          if (hasUnknownFields((Message) v)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static void writeMessage(DataOutputStream out, Message m, boolean top, byte[] content) throws IOException {
    List<FieldDescriptor> fields = new ArrayList<>(m.getDescriptorForType().getFields());
    fields.sort((a, b) -> Integer.compare(a.getNumber(), b.getNumber()));
    for (FieldDescriptor f : fields) {
      if (top) {
        int n = f.getNumber();
        if (n == ModelDescriptor.SIGNATURE_FIELD_NUMBER || n == ModelDescriptor.SIGNING_KEY_ID_FIELD_NUMBER
            || n == ModelDescriptor.LOCATION_FIELD_NUMBER) {
          continue;
        }
        if (n == ModelDescriptor.MODEL_BYTES_FIELD_NUMBER) {
          if (content.length > 0) {
            out.writeInt(n);
            writeBytes(out, sha256(content));
          }
          continue;
        }
      }
      if (f.isMapField()) {
        @SuppressWarnings("unchecked")
        List<Message> entries = (List<Message>) m.getField(f);
        if (entries.isEmpty()) {
          continue;
        }
        FieldDescriptor keyField = f.getMessageType().findFieldByNumber(1);
        FieldDescriptor valueField = f.getMessageType().findFieldByNumber(2);
        List<byte[][]> encoded = new ArrayList<>();
        for (Message e : entries) {
          encoded.add(new byte[][] {encode(keyField, e.getField(keyField)), encode(valueField, e.getField(valueField))});
        }
        encoded.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
        out.writeInt(f.getNumber());
        out.writeInt(encoded.size());
        for (byte[][] e : encoded) {
          out.write(e[0]);
          out.write(e[1]);
        }
      } else if (f.isRepeated()) {
        List<?> values = (List<?>) m.getField(f);
        if (values.isEmpty()) {
          continue;
        }
        out.writeInt(f.getNumber());
        out.writeInt(values.size());
        for (Object v : values) {
          out.write(encode(f, v));
        }
      } else if (m.hasField(f)) { // proto3: a scalar is "set" when it is not its default
        out.writeInt(f.getNumber());
        out.write(encode(f, m.getField(f)));
      }
    }
  }

  private static byte[] encode(FieldDescriptor f, Object v) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    switch (f.getJavaType()) {
      case STRING:
        writeBytes(out, ((String) v).getBytes(StandardCharsets.UTF_8));
        break;
      case BYTE_STRING:
        writeBytes(out, ((ByteString) v).toByteArray());
        break;
      case INT:
        out.writeLong((Integer) v);
        break;
      case LONG:
        out.writeLong((Long) v);
        break;
      case BOOLEAN:
        out.writeByte((Boolean) v ? 1 : 0);
        break;
      case DOUBLE:
        out.writeLong(Double.doubleToLongBits((Double) v));
        break;
      case FLOAT:
        out.writeInt(Float.floatToIntBits((Float) v));
        break;
      case ENUM:
        out.writeInt(((com.google.protobuf.Descriptors.EnumValueDescriptor) v).getNumber());
        break;
      case MESSAGE:
        ByteArrayOutputStream nested = new ByteArrayOutputStream();
        DataOutputStream n = new DataOutputStream(nested);
        writeMessage(n, (Message) v, false, null);
        n.flush();
        writeBytes(out, nested.toByteArray());
        break;
      default:
        throw new IllegalStateException("unexpected field type " + f.getJavaType());
    }
    out.flush();
    return bytes.toByteArray();
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  /** The SHA-256 digest of {@code bytes}. */
  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.modelserving.beam.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Ed25519 key files for signed models. A key file is text:
 *
 * <pre>
 * # model-serving Ed25519 public key
 * key-id: release-2026
 * public-key: MCowBQYDK2VwAyEA...            (base64 of the X.509 SubjectPublicKeyInfo)
 * </pre>
 *
 * A private key file has {@code private-key:} (base64 of PKCS#8) in place of {@code public-key:},
 * and is written readable by its owner only. Public key files end in {@value #PUBLIC_SUFFIX},
 * private ones in {@value #PRIVATE_SUFFIX}.
 */
public final class SigningKeys {
  public static final String PUBLIC_SUFFIX = ".pub";
  public static final String PRIVATE_SUFFIX = ".key";

  private SigningKeys() {}

  /** A signing key read from its file: its id and the key. */
  public static final class SigningKey {
    public final String keyId;
    public final PrivateKey key;

    SigningKey(String keyId, PrivateKey key) {
      this.keyId = keyId;
      this.key = key;
    }
  }

  /** A new Ed25519 key pair. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ModelSignatures.ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519 (Java 15 or later has)", e);
    }
  }

  /** A key id derived from a public key: the first 16 hex digits of the SHA-256 of its encoding. */
  public static String fingerprint(PublicKey key) {
    return HexFormat.of().formatHex(ModelSignatures.sha256(key.getEncoded()), 0, 8);
  }

  /**
   * Writes {@code <dir>/<keyId>.key} (owner read/write only where the file system has POSIX
   * permissions) and {@code <dir>/<keyId>.pub}; returns the two paths, private first. Refuses to
   * overwrite a file.
   */
  public static List<Path> write(KeyPair pair, String keyId, Path dir) throws IOException {
    checkKeyId(keyId);
    Files.createDirectories(dir);
    Path priv = dir.resolve(keyId + PRIVATE_SUFFIX);
    Path pub = dir.resolve(keyId + PUBLIC_SUFFIX);
    for (Path p : List.of(priv, pub)) {
      if (Files.exists(p)) {
        throw new IOException("key file " + p + " exists; pick another --keyId or directory (keys are never overwritten)");
      }
    }
    String privText = "# model-serving Ed25519 private key: keep it secret, never on a worker\nkey-id: " + keyId
        + "\nprivate-key: " + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n";
    try {
      Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(priv);
      priv.toFile().setReadable(false, false);
      priv.toFile().setReadable(true, true);
      priv.toFile().setWritable(false, false);
      priv.toFile().setWritable(true, true);
    }
    Files.writeString(priv, privText, StandardCharsets.UTF_8);
    Files.writeString(pub, "# model-serving Ed25519 public key\nkey-id: " + keyId + "\npublic-key: "
        + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n", StandardCharsets.UTF_8);
    return List.of(priv, pub);
  }

  /** Reads a private key file. */
  public static SigningKey readPrivate(Path file) throws IOException {
    Map<String, String> f = parse(file);
    String encoded = f.get("private-key");
    if (encoded == null) {
      throw new IOException("key file " + file + " has no private-key line (is it the .pub file? sign with the .key file)");
    }
    try {
      PrivateKey key = KeyFactory.getInstance(ModelSignatures.ALGORITHM)
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(encoded)));
      return new SigningKey(keyId(f, file), key);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("key file " + file + " holds no Ed25519 private key: " + e.getMessage(), e);
    }
  }

  /** Reads a public key file: key id and X.509 encoding of the key. */
  public static Map.Entry<String, byte[]> readPublic(Path file) throws IOException {
    Map<String, String> f = parse(file);
    String encoded = f.get("public-key");
    if (encoded == null) {
      throw new IOException("key file " + file + " has no public-key line (trust the .pub file of a key pair)");
    }
    try {
      byte[] der = Base64.getDecoder().decode(encoded);
      publicKey(der); // checks it
      return Map.entry(keyId(f, file), der);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("key file " + file + " holds no Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /**
   * The public keys of {@code paths} (files, or directories whose {@value #PUBLIC_SUFFIX} files are
   * read), by key id; two keys with one id are an error.
   */
  public static Map<String, byte[]> readTrusted(List<Path> paths) throws IOException {
    Map<String, byte[]> keys = new TreeMap<>();
    for (Path p : paths) {
      List<Path> files = new ArrayList<>();
      if (Files.isDirectory(p)) {
        try (Stream<Path> list = Files.list(p)) {
          list.filter(f -> f.getFileName().toString().endsWith(PUBLIC_SUFFIX)).sorted().forEach(files::add);
        }
        if (files.isEmpty()) {
          throw new IOException("trusted key directory " + p + " holds no " + PUBLIC_SUFFIX + " file");
        }
      } else if (Files.exists(p)) {
        files.add(p);
      } else {
        throw new NoSuchFileException(p.toString(), null, "trusted key file not found");
      }
      for (Path f : files) {
        Map.Entry<String, byte[]> key = readPublic(f);
        if (keys.containsKey(key.getKey()) && !java.util.Arrays.equals(keys.get(key.getKey()), key.getValue())) {
          throw new IOException("two trusted keys have the id '" + key.getKey() + "' (" + f + ")");
        }
        keys.put(key.getKey(), key.getValue());
      }
    }
    return keys;
  }

  /** An Ed25519 public key from its X.509 encoding. */
  public static PublicKey publicKey(byte[] x509) throws GeneralSecurityException {
    return KeyFactory.getInstance(ModelSignatures.ALGORITHM).generatePublic(new X509EncodedKeySpec(x509));
  }

  static void checkKeyId(String keyId) {
    if (keyId == null || !keyId.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("a key id is 1 to 64 letters, digits, '.', '_' or '-', was '" + keyId + "'");
    }
  }

  private static String keyId(Map<String, String> f, Path file) throws IOException {
    String id = f.get("key-id");
    if (id == null || id.isEmpty()) {
      throw new IOException("key file " + file + " has no key-id line");
    }
    return id;
  }

  private static Map<String, String> parse(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "key file not found");
    }
    Map<String, String> fields = new TreeMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String l = line.strip();
      int colon = l.indexOf(':');
      if (l.isEmpty() || l.startsWith("#") || colon < 0) {
        continue;
      }
      fields.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
    }
    return fields;
  }
}

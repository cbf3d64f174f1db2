package dev.modelserving.beam.model;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a model message must satisfy before it is loaded: its signature (when trusted keys are
 * set), where a model given by location may be read from, and limits on its size and archive. An
 * immutable, serializable value; the checks run once per model message, off the serving path,
 * before any format plug-in sees the bytes.
 *
 * <p>Defaults ({@link #defaults()}): no trusted keys (messages are not verified, as before signed
 * models existed), locations {@code file:} only, {@value #DEFAULT_MAX_MODEL_BYTES} model bytes
 * (512 MiB), {@value #DEFAULT_MAX_ARCHIVE_ENTRIES} archive entries, {@value #DEFAULT_MAX_ARCHIVE_FILES}
 * files in an archive, {@value #DEFAULT_MAX_UNPACKED_BYTES} bytes unpacked (2 GiB), and the
 * TensorFlow op allow-list on.
 */
public final class ModelGuard implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ModelGuard.class);

  public static final long DEFAULT_MAX_MODEL_BYTES = 512L << 20;
  public static final int DEFAULT_MAX_ARCHIVE_ENTRIES = 10_000;
  public static final int DEFAULT_MAX_ARCHIVE_FILES = 1_000;
  public static final long DEFAULT_MAX_UNPACKED_BYTES = 2L << 30;
  /** The default of {@link #withAllowedLocations}: local files only. */
  public static final List<String> DEFAULT_ALLOWED_LOCATIONS = List.of("file:");

  private static volatile boolean warnedUnsigned;

  private final Map<String, byte[]> trustedKeys; // key id -> X.509 encoding
  private final List<String> allowedLocations;
  private final long maxModelBytes;
  private final int maxArchiveEntries;
  private final int maxArchiveFiles;
  private final long maxUnpackedBytes;
  private final boolean graphOpCheck;
  private final Set<String> extraAllowedOps;
  private transient volatile Map<String, PublicKey> publicKeys;

  private ModelGuard(Map<String, byte[]> trustedKeys, List<String> allowedLocations, long maxModelBytes,
      int maxArchiveEntries, int maxArchiveFiles, long maxUnpackedBytes, boolean graphOpCheck,
      Set<String> extraAllowedOps) {
    this.trustedKeys = trustedKeys;
    this.allowedLocations = allowedLocations;
    this.maxModelBytes = maxModelBytes;
    this.maxArchiveEntries = maxArchiveEntries;
    this.maxArchiveFiles = maxArchiveFiles;
    this.maxUnpackedBytes = maxUnpackedBytes;
    this.graphOpCheck = graphOpCheck;
    this.extraAllowedOps = extraAllowedOps;
  }

  /** The default guard (see the class comment). */
  public static ModelGuard defaults() {
    return new ModelGuard(Collections.emptyMap(), DEFAULT_ALLOWED_LOCATIONS, DEFAULT_MAX_MODEL_BYTES,
        DEFAULT_MAX_ARCHIVE_ENTRIES, DEFAULT_MAX_ARCHIVE_FILES, DEFAULT_MAX_UNPACKED_BYTES, true, Set.of());
  }

  /**
   * Only models signed by one of these keys (key id to X.509-encoded Ed25519 public key, see
   * {@link SigningKeys#readTrusted}) are loaded; several keys at once allow rotation. Empty: no
   * signature is checked.
   */
  public ModelGuard withTrustedKeys(Map<String, byte[]> keys) {
    Map<String, byte[]> copy = new TreeMap<>();
    for (Map.Entry<String, byte[]> k : keys.entrySet()) {
      try {
        SigningKeys.publicKey(k.getValue());
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("trusted key '" + k.getKey() + "' is not an Ed25519 public key: " + e, e);
      }
      copy.put(k.getKey(), k.getValue().clone());
    }
    return new ModelGuard(Collections.unmodifiableMap(copy), allowedLocations, maxModelBytes, maxArchiveEntries,
        maxArchiveFiles, maxUnpackedBytes, graphOpCheck, extraAllowedOps);
  }

  /**
   * A model given by location is read only if its location starts with one of these prefixes
   * (compared case-insensitively in the scheme), e.g. {@code file:///models/} or {@code
   * gs://bucket/models/}; a bare scheme such as {@code file:} allows the whole scheme. Empty: no
   * location is read. Default {@link #DEFAULT_ALLOWED_LOCATIONS}.
   */
  public ModelGuard withAllowedLocations(List<String> prefixes) {
    List<String> copy = new ArrayList<>();
    for (String p : prefixes) {
      if (p == null || p.isBlank() || !p.contains(":")) {
        throw new IllegalArgumentException("an allowed model location is a scheme or URI prefix such as file:///models/"
            + " or gs://bucket/models/, was '" + p + "'");
      }
      copy.add(p.strip());
    }
    return new ModelGuard(trustedKeys, List.copyOf(copy), maxModelBytes, maxArchiveEntries, maxArchiveFiles,
        maxUnpackedBytes, graphOpCheck, extraAllowedOps);
  }

  /** Limits on a model: its bytes, the entries and files of its archive, and their unpacked size. */
  public ModelGuard withLimits(long maxModelBytes, int maxArchiveEntries, int maxArchiveFiles, long maxUnpackedBytes) {
    if (maxModelBytes < 1 || maxArchiveEntries < 1 || maxArchiveFiles < 1 || maxUnpackedBytes < 1) {
      throw new IllegalArgumentException("model limits are at least 1, were bytes " + maxModelBytes + ", entries "
          + maxArchiveEntries + ", files " + maxArchiveFiles + ", unpacked bytes " + maxUnpackedBytes);
    }
    return new ModelGuard(trustedKeys, allowedLocations, maxModelBytes, maxArchiveEntries, maxArchiveFiles,
        maxUnpackedBytes, graphOpCheck, extraAllowedOps);
  }

  /**
   * Graph formats check their graph's ops against an allow-list before the first run (on by
   * default); {@code extraAllowedOps} are allowed beside the list.
   */
  public ModelGuard withGraphOpCheck(boolean on, Set<String> extraAllowedOps) {
    return new ModelGuard(trustedKeys, allowedLocations, maxModelBytes, maxArchiveEntries, maxArchiveFiles,
        maxUnpackedBytes, on, Collections.unmodifiableSet(new TreeSet<>(extraAllowedOps)));
  }

  public Map<String, byte[]> trustedKeys() {
    return trustedKeys;
  }

  public List<String> allowedLocations() {
    return allowedLocations;
  }

  public long maxModelBytes() {
    return maxModelBytes;
  }

  public int maxArchiveEntries() {
    return maxArchiveEntries;
  }

  public int maxArchiveFiles() {
    return maxArchiveFiles;
  }

  public long maxUnpackedBytes() {
    return maxUnpackedBytes;
  }

  public boolean graphOpCheck() {
    return graphOpCheck;
  }

  public Set<String> extraAllowedOps() {
    return extraAllowedOps;
  }

  /** The archive limits of this guard, for {@link ModelArchives#unzipToTempDirectory(byte[], String, ModelGuard)}. */
  public ModelArchives.Limits archiveLimits() {
    return new ModelArchives.Limits(maxArchiveEntries, maxArchiveFiles, maxUnpackedBytes);
  }

  /**
   * Checks a model message and returns it ready to load: a model given by location is read (only
   * from an allowed location, at most {@link #maxModelBytes()}); its bytes are within the limits;
   * with trusted keys, its signature is checked over its content and metadata. Set operations
   * (remove, rollback, route) are checked for their signature only.
   *
   * @throws ModelLoadException with the reason, naming the limit or key, if the message is refused
   */
  public ModelDescriptor admit(ModelDescriptor d) throws ModelLoadException {
    ModelDescriptor resolved = d;
    byte[] content = new byte[0];
    if (ModelDescriptors.isAdd(d)) {
      if (d.getPayloadCase() == ModelDescriptor.PayloadCase.LOCATION) {
        checkLocation(d);
        resolved = read(d);
      } else if (d.getModelBytes().size() > maxModelBytes) {
        throw new ModelLoadException("model " + ModelDescriptors.describe(d) + " has " + d.getModelBytes().size()
            + " bytes, over the limit of " + maxModelBytes + " model bytes (--maxModelBytes)");
      }
      content = resolved.getModelBytes().toByteArray();
    }
    if (!trustedKeys.isEmpty()) {
      ModelSignatures.verify(d, content, publicKeys());
    } else if (!warnedUnsigned) {
      warnedUnsigned = true;
      LOG.warn("No trusted keys are configured: model messages are loaded without checking a signature (anyone who"
          + " can write to the model topic decides what is served); see README, \"Signed models\"");
    }
    if (ModelDescriptors.isAdd(d) && ModelArchives.looksLikeZip(content)) {
      try {
        ModelArchives.checkArchive(content, archiveLimits());
      } catch (java.io.IOException e) {
        throw new ModelLoadException("model " + ModelDescriptors.describe(d) + " is refused: " + e.getMessage(), e);
      }
    }
    return resolved;
  }

  /** Fails unless the location of {@code d} starts with an allowed prefix. */
  public void checkLocation(ModelDescriptor d) throws ModelLoadException {
    String location = d.getLocation();
    String lower = location.toLowerCase(Locale.ROOT);
    boolean climbs = location.contains("/../") || location.endsWith("/..") || location.contains("\\")
        || lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c");
    for (String prefix : allowedLocations) {
      if (!climbs && startsWith(location, prefix)) {
        return;
      }
    }
    throw new ModelLoadException("model " + ModelDescriptors.describe(d) + " is given by location " + location
        + ", which is not an allowed model location; allowed: "
        + (allowedLocations.isEmpty() ? "none" : allowedLocations) + " (--modelLocations; a location with '..' or"
        + " escaped '.', '/' or '\\' is never read)");
  }

  private static boolean startsWith(String location, String prefix) {
    int colon = prefix.indexOf(':');
    return location.length() >= prefix.length()
        && location.substring(0, colon + 1).toLowerCase(Locale.ROOT).equals(prefix.substring(0, colon + 1).toLowerCase(Locale.ROOT))
        && location.startsWith(prefix.substring(colon + 1), colon + 1);
  }

  private ModelDescriptor read(ModelDescriptor d) throws ModelLoadException {
    String location = d.getLocation();
    try {
      LocalFiles.checkModelLocation(location);
      MatchResult.Metadata meta = FileSystems.matchSingleFileSpec(location);
      if (meta.sizeBytes() > maxModelBytes) {
        throw new ModelLoadException("model " + ModelDescriptors.describe(d) + " at " + location + " has "
            + meta.sizeBytes() + " bytes, over the limit of " + maxModelBytes + " model bytes (--maxModelBytes)");
      }
      try (ReadableByteChannel channel = FileSystems.open(meta.resourceId());
          InputStream in = Channels.newInputStream(channel)) {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxModelBytes + 1));
        if (bytes.length > maxModelBytes) {
          throw new ModelLoadException("model " + ModelDescriptors.describe(d) + " at " + location
              + " has more bytes than the limit of " + maxModelBytes + " model bytes (--maxModelBytes)");
        }
        return d.toBuilder().setModelBytes(ByteString.copyFrom(bytes)).build();
      }
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(
          "cannot read model " + ModelDescriptors.describe(d) + " from location " + location + ": " + e, e);
    }
  }

  private Map<String, PublicKey> publicKeys() throws ModelLoadException {
    Map<String, PublicKey> keys = publicKeys;
    if (keys == null) {
      keys = new LinkedHashMap<>();
      for (Map.Entry<String, byte[]> k : trustedKeys.entrySet()) {
        try {
          keys.put(k.getKey(), SigningKeys.publicKey(k.getValue()));
        } catch (GeneralSecurityException e) {
          throw new ModelLoadException("trusted key '" + k.getKey() + "' cannot be read: " + e, e);
        }
      }
      publicKeys = keys;
    }
    return keys;
  }

  @Override
  public String toString() {
    return "ModelGuard{trustedKeys=" + trustedKeys.keySet() + ", allowedLocations=" + allowedLocations
        + ", maxModelBytes=" + maxModelBytes + ", maxArchiveEntries=" + maxArchiveEntries + ", maxArchiveFiles="
        + maxArchiveFiles + ", maxUnpackedBytes=" + maxUnpackedBytes + ", graphOpCheck=" + graphOpCheck
        + ", extraAllowedOps=" + extraAllowedOps + "}";
  }
}

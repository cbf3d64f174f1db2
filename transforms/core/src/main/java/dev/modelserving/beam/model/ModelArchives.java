package dev.modelserving.beam.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Zip archives of model directories (a SavedModel travels as the zip of its directory). Archives
 * are reproducible: entries are sorted and carry a fixed time.
 */
public final class ModelArchives {
  private static final FileTime FIXED_TIME = FileTime.fromMillis(0);

  private ModelArchives() {}

  /** Zips the files below {@code dir}, with paths relative to it. */
  public static byte[] zipDirectory(Path dir) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    zipDirectory(dir, bytes);
    return bytes.toByteArray();
  }

  public static void zipDirectory(Path dir, OutputStream out) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Path file : files) {
        ZipEntry entry = new ZipEntry(dir.relativize(file).toString().replace('\\', '/'));
        entry.setLastModifiedTime(FIXED_TIME);
        zip.putNextEntry(entry);
        Files.copy(file, zip);
        zip.closeEntry();
      }
    }
  }

  /** Limits on an archive: its entries, its files and their unpacked size. */
  public static final class Limits implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public final int maxEntries;
    public final int maxFiles;
    public final long maxUnpackedBytes;

    public Limits(int maxEntries, int maxFiles, long maxUnpackedBytes) {
      this.maxEntries = maxEntries;
      this.maxFiles = maxFiles;
      this.maxUnpackedBytes = maxUnpackedBytes;
    }

    /** The limits of {@link ModelGuard#defaults()}. */
    public static Limits defaults() {
      return ModelGuard.defaults().archiveLimits();
    }
  }

  /**
   * Fails unless the archive stays within {@code limits}: counts its entries and files and the bytes
   * they unpack to by reading them (the sizes an archive declares are not trusted), without writing
   * anything; stops at the first limit passed. Entries that would escape the directory are refused.
   */
  public static void checkArchive(byte[] archive, Limits limits) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
      Tally tally = new Tally(limits);
      ZipEntry entry;
      byte[] buffer = new byte[64 * 1024];
      while ((entry = zip.getNextEntry()) != null) {
        tally.entry(entry);
        if (!entry.isDirectory()) {
          int n;
          while ((n = zip.read(buffer)) > 0) {
            tally.bytes(n);
          }
        }
      }
    }
  }

  /** Counts entries, files and unpacked bytes against limits. */
  private static final class Tally {
    private final Limits limits;
    private int entries;
    private int files;
    private long unpacked;

    Tally(Limits limits) {
      this.limits = limits;
    }

    void entry(ZipEntry entry) throws IOException {
      Path root = Path.of("/model");
      if (!root.resolve(entry.getName()).normalize().startsWith(root)) {
        throw new IOException("zip entry escapes the model directory: " + entry.getName());
      }
      if (++entries > limits.maxEntries) {
        throw new IOException("the archive has more than the limit of " + limits.maxEntries
            + " archive entries (--maxArchiveEntries)");
      }
      if (!entry.isDirectory() && ++files > limits.maxFiles) {
        throw new IOException("the archive has more than the limit of " + limits.maxFiles
            + " files (--maxArchiveFiles)");
      }
    }

    void bytes(long n) throws IOException {
      unpacked += n;
      if (unpacked > limits.maxUnpackedBytes) {
        throw new IOException("the archive unpacks to more than the limit of " + limits.maxUnpackedBytes
            + " unpacked bytes (--maxUnpackedBytes)");
      }
    }
  }

  /** {@link #unzipToTempDirectory(byte[], String, Limits)} with the default limits. */
  public static Path unzipToTempDirectory(byte[] archive, String prefix) throws IOException {
    return unzipToTempDirectory(archive, prefix, Limits.defaults());
  }

  /**
   * Unzips an archive into a new temporary directory and returns it. Entries that would escape
   * the directory are refused, and so is an archive past {@code limits} (what was written is deleted).
   */
  public static Path unzipToTempDirectory(byte[] archive, String prefix, Limits limits) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
      Tally tally = new Tally(limits);
      ZipEntry entry;
      int count = 0;
      byte[] buffer = new byte[64 * 1024];
      while ((entry = zip.getNextEntry()) != null) {
        Path target = dir.resolve(entry.getName()).normalize();
        if (!target.startsWith(dir)) {
          throw new IOException("zip entry escapes the model directory: " + entry.getName());
        }
        tally.entry(entry);
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          try (OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = zip.read(buffer)) > 0) {
              tally.bytes(n);
              out.write(buffer, 0, n);
            }
          }
          count++;
        }
      }
      if (count == 0) {
        throw new IOException("not a zip archive, or an empty one");
      }
    } catch (IOException | RuntimeException e) {
      deleteRecursively(dir);
      throw e;
    }
    return dir;
  }

  /** True if the bytes start like a zip archive. */
  public static boolean looksLikeZip(byte[] bytes) {
    return bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
  }

  /** Deletes a directory tree, ignoring failures. */
  public static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temporary directory
    }
  }

}

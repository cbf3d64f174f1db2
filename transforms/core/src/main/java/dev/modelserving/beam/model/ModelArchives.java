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

  /**
   * Unzips an archive into a new temporary directory and returns it. Entries that would escape
   * the directory are refused.
   */
  public static Path unzipToTempDirectory(byte[] archive, String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
      ZipEntry entry;
      int count = 0;
      while ((entry = zip.getNextEntry()) != null) {
        Path target = dir.resolve(entry.getName()).normalize();
        if (!target.startsWith(dir)) {
          throw new IOException("zip entry escapes the model directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(zip, target);
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

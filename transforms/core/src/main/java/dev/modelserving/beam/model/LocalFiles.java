package dev.modelserving.beam.model;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Checks a Beam file spec that names one local file before Beam looks for it. Beam's local file
 * system treats a missing file like a glob and searches every directory under the file's parent
 * for it; for {@code /missing.csv} that is the whole machine, which looks like a hang. A spec with
 * a scheme other than {@code file:}, or with glob characters, is left to Beam.
 */
public final class LocalFiles {
  private LocalFiles() {}

  /** The local path {@code spec} names, or null when it is a glob or not on the local file system. */
  public static Path plainPath(String spec) {
    if (spec == null || spec.isBlank() || spec.chars().anyMatch(c -> "*?[]{}".indexOf(c) >= 0)) {
      return null;
    }
    if (spec.startsWith("file:")) {
      try {
        return Paths.get(URI.create(spec));
      } catch (IllegalArgumentException notAFileUri) {
        return null;
      }
    }
    if (spec.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      return null;
    }
    return Paths.get(spec);
  }

  /**
   * @param what how the user named the file, e.g. {@code "--inputFile"}
   * @throws IllegalArgumentException when {@code spec} names one local file that does not exist
   */
  public static void requireExisting(String what, String spec) {
    Path path = plainPath(spec);
    if (path != null && !Files.exists(path)) {
      throw new IllegalArgumentException(what + ": no such file: " + spec
          + (path.isAbsolute() ? "" : " (relative to " + Paths.get("").toAbsolutePath() + ")"));
    }
  }

  /**
   * Checks a model's location before Beam matches it: it names one file, so it may not be a glob
   * (which Beam would expand by walking directories), and a local file must exist.
   *
   * @throws java.io.FileNotFoundException for a local file that does not exist
   * @throws java.io.IOException for a glob
   */
  public static void checkModelLocation(String location) throws java.io.IOException {
    if (location.chars().anyMatch(c -> "*?[]{}".indexOf(c) >= 0)) {
      throw new java.io.IOException("a model location names one file, not a pattern: " + location);
    }
    Path path = plainPath(location);
    if (path != null && !Files.exists(path)) {
      throw new java.io.FileNotFoundException("no such file: " + location);
    }
  }
}

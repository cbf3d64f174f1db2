package dev.modelserving.beam.pipeline.flink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A changed build of the application jar, for upgrade tests: the jar as built, plus compiled
 * classes of the test classpath and a {@code META-INF/services} file that registers a model format
 * among them. A job submitted from it runs code the job it replaces did not have.
 */
final class UpgradedJar {
  private static final String FORMAT_SERVICES = "META-INF/services/dev.modelserving.beam.model.ModelFormat";

  private UpgradedJar() {}

  /** The application jar under {@code repo}/pipeline/target. */
  static Path applicationJar(Path repo) throws IOException {
    try (Stream<Path> jars = Files.list(repo.resolve("pipeline/target"))) {
      return jars.filter(p -> p.getFileName().toString().matches("model-serving-pipeline-.*\\.jar"))
          .filter(p -> !p.getFileName().toString().contains("sources") && !p.getFileName().toString().contains("tests"))
          .findFirst().orElseThrow(() -> new IllegalStateException("no application jar in pipeline/target: mvn package"));
    }
  }

  /**
   * Writes {@code target}: {@code appJar} with the classes of {@code formatClass} (and its nested
   * classes) from {@code classes} added, and the format registered.
   */
  static Path build(Path appJar, Path classes, String formatClass, Path target) throws IOException {
    String classPath = formatClass.replace('.', '/');
    Path dir = classes.resolve(classPath).getParent();
    String simple = classPath.substring(classPath.lastIndexOf('/') + 1);
    List<Path> added;
    try (Stream<Path> files = Files.list(dir)) {
      added = files.filter(p -> p.getFileName().toString().equals(simple + ".class")
          || p.getFileName().toString().startsWith(simple + "$")).toList();
    }
    Files.createDirectories(target.getParent());
    try (ZipFile in = new ZipFile(appJar.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
      String services = "";
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        if (e.getName().equals(FORMAT_SERVICES)) {
          services = new String(in.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
          continue;
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        try (InputStream data = in.getInputStream(e)) {
          data.transferTo(out);
        }
        out.closeEntry();
      }
      for (Path file : added) {
        out.putNextEntry(new ZipEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
      out.putNextEntry(new ZipEntry(FORMAT_SERVICES));
      OutputStream o = out;
      o.write((services + (services.isEmpty() || services.endsWith("\n") ? "" : "\n") + formatClass + "\n")
          .getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return target;
  }
}

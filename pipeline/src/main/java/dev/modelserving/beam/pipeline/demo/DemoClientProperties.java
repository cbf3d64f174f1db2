package dev.modelserving.beam.pipeline.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/**
 * The client settings of the demo's SASL broker as a properties file, for {@code
 * --kafkaPropertiesFile}: in a new temporary directory, readable by the user only, deleted when the
 * JVM exits.
 */
final class DemoClientProperties {
  private DemoClientProperties() {}

  static Path write(Map<String, String> settings) {
    try {
      Path dir = Files.createTempDirectory("model-serving-demo-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      dir.toFile().deleteOnExit(); // after the file: deleteOnExit works in reverse order
      Path file = Files.createFile(dir.resolve("kafka-client.properties"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Properties p = new Properties();
      p.putAll(settings);
      try (OutputStream out = Files.newOutputStream(file)) {
        p.store(out, "Kafka client settings of the demo's SASL/PLAIN broker");
      }
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo's Kafka client properties file", e);
    }
  }
}

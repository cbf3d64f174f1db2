package dev.modelserving.beam.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Flink configuration directory that sets only {@code execution.buffer-timeout}.
 *
 * <p>Flink sends records between tasks in network buffers that leave when full or when the buffer
 * timeout passes, 100 ms by default. At a low rate the buffers never fill, so every record that
 * crosses a task boundary (the keyed step, a side-input join) waits up to 100 ms: far more than the
 * serving batch wait. The Flink runner takes this setting only from a configuration directory
 * ({@code --flinkConfDir} or {@code FLINK_CONF_DIR}), so when neither is given the application
 * writes one to a temporary directory.
 */
final class FlinkBufferTimeout {
  /** The file Flink 1.19 reads from a configuration directory when there is no {@code config.yaml}. */
  static final String FILE_NAME = "flink-conf.yaml";

  private static final Map<Long, Path> DIRECTORIES = new ConcurrentHashMap<>();

  private FlinkBufferTimeout() {}

  /** A directory whose Flink configuration sets the buffer timeout to {@code millis}; one per value per JVM. */
  static String confDir(long millis) {
    return DIRECTORIES.computeIfAbsent(millis, FlinkBufferTimeout::write).toString();
  }

  private static Path write(long millis) {
    try {
      Path dir = Files.createTempDirectory("model-serving-flink-conf-");
      Path file = dir.resolve(FILE_NAME);
      Files.writeString(file, "# Written by the serving application: network buffers leave at least every "
          + millis + " ms.\nexecution.buffer-timeout: " + millis + " ms\n", StandardCharsets.UTF_8);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a Flink configuration directory for the buffer timeout", e);
    }
  }
}

package dev.modelserving.beam.pipeline.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Flink configuration directory the application writes when the command line names none ({@code
 * --flinkConfDir}, {@code FLINK_CONF_DIR}): the Flink runner takes some settings only from there.
 *
 * <ul>
 *   <li>{@code execution.buffer-timeout.interval}: Flink sends records between tasks in network buffers
 *       that leave when full or when this timeout passes, 100 ms by default. At a low rate the
 *       buffers never fill, so every record that crosses a task boundary (the keyed step, a
 *       side-input join) would wait up to 100 ms: far more than the serving batch wait.
 *   <li>{@code execution.savepoint.path}: the checkpoint an in-process cluster ({@code [local]})
 *       restores; the runner's {@code --savepointPath} reaches only a remote cluster.
 * </ul>
 */
public final class FlinkConfDir {
  /** The file Flink 1.19 reads from a configuration directory when there is no {@code config.yaml}. */
  static final String FILE_NAME = "flink-conf.yaml";

  private final Map<String, String> settings = new LinkedHashMap<>();
  private String base = "";
  private String baseName = FILE_NAME;

  private FlinkConfDir() {}

  /** A configuration whose network buffers leave at least every {@code millis}. */
  public static FlinkConfDir withBufferTimeout(long millis) {
    FlinkConfDir conf = new FlinkConfDir();
    conf.settings.put("execution.buffer-timeout.interval", millis + " ms");
    return conf;
  }

  /**
   * The configuration in directory {@code dir} (its {@code config.yaml} or {@code flink-conf.yaml})
   * with the settings added here after it; a setting given again here wins.
   */
  public static FlinkConfDir extending(String dir) {
    FlinkConfDir conf = new FlinkConfDir();
    for (String name : new String[] {"config.yaml", FILE_NAME}) {
      Path file = Path.of(dir).resolve(name);
      if (Files.isRegularFile(file)) {
        try {
          conf.base = Files.readString(file, StandardCharsets.UTF_8);
          conf.baseName = name;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the Flink configuration " + file, e);
        }
        break;
      }
    }
    return conf;
  }

  /** Also restores the job from this checkpoint or savepoint (a URI or path). */
  public FlinkConfDir restoringFrom(String path) {
    settings.put("execution.savepoint.path", path);
    return this;
  }

  /** Writes the directory (deleted when the JVM exits) and returns its path. */
  public String write() {
    try {
      Path dir = Files.createTempDirectory("model-serving-flink-conf-");
      Path file = dir.resolve(baseName);
      StringBuilder text = new StringBuilder(base);
      if (!base.isEmpty() && !base.endsWith("\n")) {
        text.append('\n');
      }
      text.append("# Written by the serving application (see FlinkConfDir).\n");
      settings.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
      Files.writeString(file, text, StandardCharsets.UTF_8);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a Flink configuration directory", e);
    }
  }

  Map<String, String> settings() {
    return settings;
  }
}

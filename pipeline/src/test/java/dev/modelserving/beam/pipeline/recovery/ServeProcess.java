package dev.modelserving.beam.pipeline.recovery;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The application's {@code serve} command in a JVM of its own, as a user runs it, so that a test
 * can kill it with {@code kill -9} ({@link Process#destroyForcibly()} sends SIGKILL on Linux).
 */
final class ServeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ServeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code Main serve args...} with this JVM's class path; its output goes to {@code log}. */
  static ServeProcess start(List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g"));
    // the JDK packages this JVM opens for Flink (the surefire argLine; the app jar's manifest does it for users)
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens")).forEach(command::add);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.modelserving.beam.pipeline.Main", "serve"));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ServeProcess(p, log);
  }

  /** kill -9: no shutdown hook runs, nothing is flushed or cancelled. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}

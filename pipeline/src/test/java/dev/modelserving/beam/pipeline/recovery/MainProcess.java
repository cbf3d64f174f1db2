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
 * A command of the application ({@code serve}, {@code train}, ...) in a JVM of its own, as a user
 * runs it, so that a test can kill it with {@code kill -9} ({@link Process#destroyForcibly()} sends
 * SIGKILL on Linux).
 */
final class MainProcess implements AutoCloseable {
  private final String command;
  private final Process process;
  private final Path log;

  private MainProcess(String command, Process process, Path log) {
    this.command = command;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code Main <command> args...} with this JVM's class path; its output goes to {@code log}. */
  static MainProcess start(String command, List<String> args, Path log) throws IOException {
    List<String> line = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g"));
    // the JDK packages this JVM opens for Flink (the surefire argLine; the app jar's manifest does it for users)
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens")).forEach(line::add);
    line.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.modelserving.beam.pipeline.Main", command));
    line.addAll(args);
    Process p = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new MainProcess(command, p, log);
  }

  /** The command it runs: {@code serve}, {@code train}, ... */
  String command() {
    return command;
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

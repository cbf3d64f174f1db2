package dev.modelserving.beam.pipeline.flink;

import dev.modelserving.beam.model.ModelArchives;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs {@code runners-config/flink/cluster.sh} on a cluster directory of its own, with the build
 * as it is ({@code MODEL_SERVING_SKIP_BUILD=1}: never a Maven build inside a Maven build).
 */
final class ClusterScript {
  private static final Pattern JOB_ID = Pattern.compile("^[0-9a-f]{32}$", Pattern.MULTILINE);
  private static final Pattern PROMETHEUS =
      Pattern.compile("^\\s*(\\S+):\\s+pid (\\d+)\\s+prometheus http://localhost:(\\d+)/metrics", Pattern.MULTILINE);

  /** How a run of the script ended: its exit code and output. */
  record Result(int exitCode, String stdout, String stderr) {
    /** Both outputs, for assertion messages. */
    String describe() {
      return "exit code " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
    }
  }

  private final Path repoRoot;
  private final Path clusterDir;

  ClusterScript(Path repoRoot, Path clusterDir) {
    this.repoRoot = repoRoot;
    this.clusterDir = clusterDir;
  }

  /** The repository root, from the {@code repo.root} system property the build sets, else the working directory's parent. */
  static Path repoRoot() {
    String root = System.getProperty("repo.root");
    Path path = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
    return path.toAbsolutePath().normalize();
  }

  Path clusterDir() {
    return clusterDir;
  }

  /** Runs {@code cluster.sh args...}, failing if it does not end within {@code timeout}. */
  Result run(Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(repoRoot.resolve("runners-config/flink/cluster.sh").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(repoRoot.toFile());
    Map<String, String> env = builder.environment();
    env.put("FLINK_CLUSTER_DIR", clusterDir.toString());
    env.put("MODEL_SERVING_SKIP_BUILD", "1");
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("cluster.sh " + String.join(" ", args) + " did not end within "
            + timeout.toSeconds() + " s; its output so far: " + err.getNow(""));
      }
      return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run cluster.sh", e);
    } catch (Exception e) {
      throw new IllegalStateException("cluster.sh " + String.join(" ", args) + " failed to run: " + e, e);
    }
  }

  /**
   * Stops the cluster when this JVM is stopped by a signal (Ctrl-C) before the caller could: a
   * driver's {@code finally} does not run then. Call {@link #keepRunningOnExit} once stopped.
   */
  Thread stopOnExit() {
    Thread hook = new Thread(() -> run(Duration.ofMinutes(1), "stop"), "stop-cluster-on-exit");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  /** Undoes {@link #stopOnExit}, unless the JVM is already exiting. */
  static void keepRunningOnExit(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException exiting) {
      // the hook runs
    }
  }

  /** The job id {@code submit} printed as its last line of standard output, or null. */
  static String jobId(Result submit) {
    Matcher m = JOB_ID.matcher(submit.stdout());
    String id = null;
    while (m.find()) {
      id = m.group();
    }
    return id;
  }

  /** Process name (jobmanager, taskmanager-1, ...) to its Prometheus port, from {@code status} output. */
  static Map<String, Integer> prometheusPorts(Result status) {
    Map<String, Integer> ports = new java.util.LinkedHashMap<>();
    Matcher m = PROMETHEUS.matcher(status.stdout());
    while (m.find()) {
      ports.put(m.group(1), Integer.parseInt(m.group(3)));
    }
    return ports;
  }

  /** Process name to pid, from {@code status} output. */
  static Map<String, Long> pids(Result status) {
    Map<String, Long> pids = new java.util.LinkedHashMap<>();
    Matcher m = PROMETHEUS.matcher(status.stdout());
    while (m.find()) {
      pids.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return pids;
  }

  /**
   * Copies the cluster's logs to {@code target} (emptied first), so they outlive the cluster
   * directory; returns {@code target}.
   */
  Path keepLogs(Path target) throws IOException {
    ModelArchives.deleteRecursively(target);
    Files.createDirectories(target);
    Path logs = clusterDir.resolve("log");
    if (Files.isDirectory(logs)) {
      try (Stream<Path> files = Files.list(logs)) {
        for (Path file : files.toList()) {
          Files.copy(file, target.resolve(file.getFileName()));
        }
      }
    }
    return target;
  }

  /** The last {@code lines} lines of every log of the cluster, for a failure message. */
  String logTails(int lines) {
    StringBuilder text = new StringBuilder();
    Path logs = clusterDir.resolve("log");
    if (!Files.isDirectory(logs)) {
      return "(no logs in " + logs + ")";
    }
    try (Stream<Path> files = Files.list(logs)) {
      for (Path file : files.sorted().toList()) {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        text.append("--- ").append(file).append(" (last ").append(lines).append(" lines)\n");
        all.subList(Math.max(0, all.size() - lines), all.size())
            .forEach(l -> text.append(l.length() > 400 ? l.substring(0, 400) + "..." : l).append('\n'));
      }
    } catch (IOException e) {
      text.append("(cannot read the logs: ").append(e).append(")");
    }
    return text.toString();
  }

  /** A free TCP port on the loopback interface. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  /**
   * The first port of {@code count} consecutive ports that are free on every interface (Flink 1.19's
   * Prometheus reporter listens on all of them), below the usual ephemeral range.
   */
  static int freePortRange(int count) {
    Random random = new Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int first = 20_000 + random.nextInt(10_000);
      boolean free = true;
      for (int port = first; port < first + count && free; port++) {
        try (ServerSocket socket = new ServerSocket(port)) {
          socket.setReuseAddress(true);
        } catch (IOException inUse) {
          free = false;
        }
      }
      if (free) {
        return first;
      }
    }
    throw new IllegalStateException("no " + count + " consecutive free ports between 20000 and 30000");
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read: " + e + ")";
    }
  }
}

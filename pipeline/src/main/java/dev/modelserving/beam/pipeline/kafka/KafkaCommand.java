package dev.modelserving.beam.pipeline.kafka;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code kafka} command: the project's single-node Kafka broker (KRaft) on {@code
 * 127.0.0.1:<port>}, for trying the application without a Kafka installation (the serving job on
 * a Flink cluster, {@code publish-model}, {@code status}). It runs until Ctrl-C; its data is a
 * temporary directory, deleted when it stops.
 */
public final class KafkaCommand {
  static final String USAGE = String.join("\n",
      "usage: kafka [--port=9092]",
      "  A single-node Kafka broker on 127.0.0.1:<port> (0: a free port), until Ctrl-C.",
      "  Its data is temporary: deleted when it stops.");

  private KafkaCommand() {}

  public static void main(String[] args) throws InterruptedException {
    System.exit(run(args, System.out, System.err));
  }

  /** Starts the broker and waits until the JVM is stopped; 2 for a bad option, 1 if it cannot start. */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    int port;
    try {
      port = port(args);
    } catch (IllegalArgumentException e) {
      err.println("kafka: " + e.getMessage() + "\n" + USAGE);
      return 2;
    }
    if (port < 0) {
      out.println(USAGE);
      return 0;
    }
    EmbeddedKafkaBroker broker;
    try {
      broker = EmbeddedKafkaBroker.start(port);
    } catch (IllegalStateException e) {
      err.println("kafka: the broker did not start on 127.0.0.1:" + port + ": " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "stop-kafka"));
    out.println("Kafka broker on " + broker.bootstrapServers() + " (data in " + broker.dataDirectory()
        + ", deleted when it stops); Ctrl-C stops it");
    stopped.await();
    return 0;
  }

  /** The port the options ask for; -1 for {@code --help}. */
  static int port(String[] args) {
    int port = 9092;
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        return -1;
      } else if (a.startsWith("--port=")) {
        try {
          port = Integer.parseInt(a.substring("--port=".length()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--port must be a number, not '" + a.substring(7) + "'");
        }
        if (port < 0 || port > 65535) {
          throw new IllegalArgumentException("--port must be between 0 and 65535, not " + port);
        }
      } else {
        throw new IllegalArgumentException("unknown option '" + a + "'");
      }
    }
    return port;
  }
}

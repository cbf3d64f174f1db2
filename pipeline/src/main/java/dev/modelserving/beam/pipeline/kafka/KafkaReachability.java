package dev.modelserving.beam.pipeline.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Fails fast when no broker address accepts a TCP connection, before a Kafka client retries for
 * its whole timeout (30 to 60 s) and logs a warning every second. An address that accepts the
 * connection passes, whatever it speaks: TLS, SASL and Kafka's own answers are left to the client.
 */
public final class KafkaReachability {
  /** How long one address may take to accept a connection. */
  static final int CONNECT_TIMEOUT_MILLIS = 3_000;

  private KafkaReachability() {}

  /**
   * @param bootstrapServers {@code host:port[,host:port...]}
   * @param action what the command was about to do, e.g. {@code "create the topics"}
   * @throws KafkaAccessException naming every address and its error when none accepts a connection
   * @throws IllegalArgumentException when an address is not {@code host:port}
   */
  public static void require(String bootstrapServers, String action) {
    List<String> failures = new ArrayList<>();
    for (String server : bootstrapServers.split(",")) {
      String address = server.trim();
      if (address.isEmpty()) {
        continue;
      }
      int colon = address.lastIndexOf(':');
      int port;
      try {
        port = colon < 1 ? -1 : Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("--bootstrapServers must be host:port[,host:port...], not '"
            + bootstrapServers + "'");
      }
      String host = address.substring(0, colon).replaceAll("^\\[|\\]$", "");
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        return;
      } catch (IOException e) {
        failures.add(address + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      }
    }
    if (failures.isEmpty()) {
      throw new IllegalArgumentException("--bootstrapServers is empty");
    }
    throw KafkaAccessException.unreachable(action, bootstrapServers, String.join("; ", failures));
  }
}

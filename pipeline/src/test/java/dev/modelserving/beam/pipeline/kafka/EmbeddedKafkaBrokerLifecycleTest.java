package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Starting on a given port, stopping, cleaning up, and failing clearly on a taken port. */
class EmbeddedKafkaBrokerLifecycleTest {
  @BeforeAll
  static void quiet() {
    EmbeddedKafkaBroker.quietKafkaLogging();
  }

  @Test
  void startsOnTheGivenPortAndDeletesItsDataOnClose() throws Exception {
    int port = freePort();
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(port);
    Path data = kafka.dataDirectory();
    try {
      assertThat(kafka.port(), is(port));
      assertThat(kafka.bootstrapServers(), is("127.0.0.1:" + port));
      assertThat(Files.isDirectory(data), is(true));
      try (Admin admin = kafka.admin()) {
        assertThat(admin.describeCluster().nodes().get().size(), is(1));
      }
    } finally {
      kafka.close();
    }
    assertThat(Files.exists(data), is(false));
    kafka.close(); // a second close does nothing
    // the port is free again
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort(), is(port));
    }
  }

  @Test
  void aTakenPortFailsWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> EmbeddedKafkaBroker.start(taken.getLocalPort()));
      assertThat(e.getMessage(), containsString("127.0.0.1:" + taken.getLocalPort()));
      assertThat(e.getMessage(), containsString("Address already in use")); // the bind error itself
      assertThat(e.getMessage(), containsString("pass 0 to pick a free port"));
    }
  }

  @Test
  void rejectsAnInvalidPort() {
    assertThrows(IllegalArgumentException.class, () -> EmbeddedKafkaBroker.start(70_000));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}

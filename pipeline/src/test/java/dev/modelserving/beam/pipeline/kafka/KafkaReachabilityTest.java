package dev.modelserving.beam.pipeline.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The fail-fast check before a Kafka client: a listening address passes, none listening fails at once. */
class KafkaReachabilityTest {
  @Test
  void anAddressThatListensPassesEvenAfterOneThatDoesNot() throws Exception {
    int closed = freePort();
    try (ServerSocket listening = new ServerSocket(0)) {
      KafkaReachability.require("127.0.0.1:" + closed + ",127.0.0.1:" + listening.getLocalPort(), "test");
    }
  }

  @Test
  void noAddressListeningNamesEachWithItsError() throws Exception {
    int a = freePort();
    int b = freePort();
    KafkaAccessException e = assertThrows(KafkaAccessException.class,
        () -> KafkaReachability.require("127.0.0.1:" + a + ",127.0.0.1:" + b, "read the models"));
    assertThat(e.getMessage(), containsString("cannot read the models: nothing accepts connections at 127.0.0.1:"
        + a + ",127.0.0.1:" + b + " (127.0.0.1:" + a + ": Connection refused; 127.0.0.1:" + b + ": Connection refused)"));
  }

  @Test
  void anAddressWithoutAPortIsAnOptionError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KafkaReachability.require("localhost", "test"));
    assertThat(e.getMessage(), containsString("--bootstrapServers must be host:port"));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

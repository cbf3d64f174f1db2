package dev.modelserving.beam.pipeline.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * The client listener of an {@link EmbeddedKafkaBroker}: plain TCP, SASL/PLAIN with a list of
 * users, or TLS. Gives the broker settings of the listener (also used between brokers; the KRaft
 * controller listener stays PLAINTEXT on loopback) and what the broker's own clients need to reach
 * it. Immutable.
 */
final class BrokerListener {
  /** The user the broker itself logs in as on a SASL listener (between brokers, and for its own admin use). */
  static final String BROKER_USER = "embedded-broker";
  private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

  static final BrokerListener PLAINTEXT = new BrokerListener("PLAINTEXT", Map.of(), Map.of());

  private final String protocol;
  private final Map<String, String> settings;
  private final Map<String, String> ownClient;

  private BrokerListener(String protocol, Map<String, String> settings, Map<String, String> ownClient) {
    this.protocol = protocol;
    this.settings = Map.copyOf(settings);
    this.ownClient = Map.copyOf(ownClient);
  }

  /**
   * SASL/PLAIN over plain TCP ({@code SASL_PLAINTEXT}) with these users (name to password), and a
   * user of the broker's own with a random password.
   *
   * @throws IllegalArgumentException if no user is given, a name or password is empty or holds '"',
   *     or a user has the broker's own name
   */
  static BrokerListener saslPlain(Map<String, String> users) {
    if (users.isEmpty()) {
      throw new IllegalArgumentException("a SASL/PLAIN broker needs at least one user");
    }
    if (users.containsKey(BROKER_USER)) {
      throw new IllegalArgumentException("the user name '" + BROKER_USER + "' is the broker's own; choose another");
    }
    Map<String, String> all = new LinkedHashMap<>(users);
    all.put(BROKER_USER, Uuid.randomUuid().toString());
    StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE + " required username=\"" + BROKER_USER
        + "\" password=\"" + all.get(BROKER_USER) + '"');
    all.forEach((name, password) -> {
      if (name.isEmpty() || password.isEmpty() || name.contains("\"") || password.contains("\"")
          || name.contains(" ") || name.contains("=")) {
        throw new IllegalArgumentException("SASL/PLAIN user names and passwords must not be empty or hold '\"'"
            + " (names no spaces or '='); user '" + name + "' does not qualify");
      }
      jaas.append(" user_").append(name).append("=\"").append(password).append('"');
    });
    Map<String, String> s = new LinkedHashMap<>();
    s.put("sasl.enabled.mechanisms", "PLAIN");
    s.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    s.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
    return new BrokerListener("SASL_PLAINTEXT", s, login(BROKER_USER, all.get(BROKER_USER)));
  }

  /**
   * TLS ({@code SSL}) with the broker's key and certificate in {@code keyStore} and the
   * certificates it trusts (its own, to talk to itself) in {@code trustStore}, both PKCS12 files
   * protected by {@code password}. Clients are not asked for certificates.
   */
  static BrokerListener ssl(Path keyStore, Path trustStore, String password) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("ssl.keystore.type", "PKCS12");
    s.put("ssl.keystore.location", keyStore.toAbsolutePath().toString());
    s.put("ssl.keystore.password", password);
    s.put("ssl.key.password", password);
    s.putAll(trusting(trustStore, password));
    return new BrokerListener("SSL", s, trusting(trustStore, password));
  }

  /** The client settings that trust the certificates in a PKCS12 {@code trustStore}. */
  static Map<String, String> trusting(Path trustStore, String password) {
    return Map.of(
        "security.protocol", "SSL",
        "ssl.truststore.type", "PKCS12",
        "ssl.truststore.location", trustStore.toAbsolutePath().toString(),
        "ssl.truststore.password", password);
  }

  /** The client settings that log in as {@code user} with SASL/PLAIN over plain TCP. */
  static Map<String, String> login(String user, String password) {
    return Map.of(
        "security.protocol", "SASL_PLAINTEXT",
        "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", PLAIN_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";");
  }

  /** The security protocol of the listener, also its name. */
  String protocol() {
    return protocol;
  }

  boolean isSasl() {
    return protocol.startsWith("SASL");
  }

  /** What the broker's own clients need: its login on a SASL listener, its trust store on TLS. */
  Map<String, String> ownClient() {
    return ownClient;
  }

  /** The broker settings of this client listener beside the PLAINTEXT controller listener. */
  Properties brokerProperties(String host, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("listeners", protocol + "://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
    p.setProperty("advertised.listeners", protocol + "://" + host + ":" + brokerPort);
    p.setProperty("listener.security.protocol.map", protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT");
    p.setProperty("inter.broker.listener.name", protocol);
    settings.forEach(p::setProperty);
    return p;
  }

  @Override
  public String toString() {
    return isSasl() ? protocol + "/PLAIN" : protocol;
  }
}

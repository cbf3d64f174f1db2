package dev.modelserving.beam.pipeline.kafka;

import dev.modelserving.beam.model.ModelArchives;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker and KRaft controller running inside this JVM, bound to
 * 127.0.0.1, with its data in a temporary directory that {@link #close()} deletes. For tests and
 * the local demo; not for production.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0)) {
 *   kafka.createTopic("models", 1, true);
 *   ... kafka.bootstrapServers() ...
 * }
 * }</pre>
 *
 * <p>Topics are not created automatically ({@code auto.create.topics.enable=false}): create them
 * with {@link #createTopic} or {@link KafkaTopics#ensureTopics}, so that a misspelt topic name
 * fails instead of silently creating a non-compacted topic.
 *
 * <p>{@link #startSaslPlain} starts it with a SASL/PLAIN client listener ({@code SASL_PLAINTEXT}):
 * clients must then log in as one of its users ({@link #clientProperties(String, String)}).
 *
 * <p>Like any Kafka server, the broker may halt the JVM on an unrecoverable fault (e.g. its log
 * directory disappearing while it runs).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  /** How long {@link #start} waits for the broker to accept clients. */
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  /** The user the broker itself logs in as on a SASL listener (between brokers, and for its own admin use). */
  private static final String BROKER_USER = "embedded-broker";
  /** The listener name of the SASL/PLAIN client listener. */
  private static final String SASL_LISTENER = "SASL_PLAINTEXT";
  private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final KafkaRaftServer server;
  /** What this class's own clients need to reach the broker: empty for PLAINTEXT. */
  private final Map<String, String> ownClientProperties;
  private boolean closed;

  private EmbeddedKafkaBroker(Path dataDir, int port, int controllerPort, KafkaRaftServer server,
      Map<String, String> ownClientProperties) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.server = server;
    this.ownClientProperties = Map.copyOf(ownClientProperties);
  }

  /**
   * Turns the broker's own INFO logging down to WARN when slf4j-simple is the logging backend, by
   * setting its {@code org.slf4j.simpleLogger.log.*} properties for Kafka's loggers (unless they
   * are set already). Affects loggers created afterwards: call it before starting a broker.
   */
  public static void quietKafkaLogging() {
    for (String logger : new String[] {"kafka", "org.apache.kafka", "state.change.logger", "org.apache.zookeeper"}) {
      String key = "org.slf4j.simpleLogger.log." + logger;
      if (System.getProperty(key) == null) {
        System.setProperty(key, "warn");
      }
    }
  }

  /** Starts a broker on a free port. */
  public static EmbeddedKafkaBroker start() {
    return start(0);
  }

  /**
   * Starts a broker whose client listener is {@code 127.0.0.1:port} (0 picks a free port; the
   * controller listener always gets a free port), and returns once an AdminClient can describe
   * the cluster.
   *
   * @throws IllegalStateException if the broker fails to start or does not answer within {@link
   *     #STARTUP_TIMEOUT}
   */
  public static EmbeddedKafkaBroker start(int port) {
    return start(port, Map.of());
  }

  /**
   * Like {@link #start(int)}, with broker settings that override the single-node defaults (e.g.
   * {@code "message.max.bytes"}, {@code "auto.create.topics.enable"}).
   */
  public static EmbeddedKafkaBroker start(int port, Map<String, String> overrides) {
    return start(port, overrides, null);
  }

  /**
   * Starts a broker whose client listener ({@code 127.0.0.1:port}, 0 for a free port) takes only
   * SASL/PLAIN over plain TCP ({@code SASL_PLAINTEXT}) and knows these users (name to password).
   * A client without credentials or with a wrong password is refused. The broker logs in as a user
   * of its own between brokers and for its own admin use ({@link #admin()}, {@link #createTopic});
   * the KRaft controller listener stays PLAINTEXT on loopback. No authorizer: any user may do anything.
   *
   * @throws IllegalArgumentException if no user is given, a name or password is empty or holds '"',
   *     or a user has the broker's own name
   */
  public static EmbeddedKafkaBroker startSaslPlain(int port, Map<String, String> users) {
    if (users.isEmpty()) {
      throw new IllegalArgumentException("a SASL/PLAIN broker needs at least one user");
    }
    if (users.containsKey(BROKER_USER)) {
      throw new IllegalArgumentException("the user name '" + BROKER_USER + "' is the broker's own; choose another");
    }
    Map<String, String> all = new LinkedHashMap<>(users);
    all.put(BROKER_USER, Uuid.randomUuid().toString());
    all.forEach((name, password) -> {
      if (name.isEmpty() || password.isEmpty() || name.contains("\"") || password.contains("\"")
          || name.contains(" ") || name.contains("=")) {
        throw new IllegalArgumentException("SASL/PLAIN user names and passwords must not be empty or hold '\"'"
            + " (names no spaces or '='); user '" + name + "' does not qualify");
      }
    });
    return start(port, Map.of(), all);
  }

  private static EmbeddedKafkaBroker start(int port, Map<String, String> overrides, Map<String, String> saslUsers) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (any free port) or 1..65535, was " + port);
    }
    long startNanos = System.nanoTime();
    long deadlineNanos = startNanos + STARTUP_TIMEOUT.toNanos();
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("embedded-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the Kafka logs", e);
    }
    int brokerPort = port == 0 ? freePort() : port;
    int controllerPort = freePortOtherThan(brokerPort);
    KafkaRaftServer server = null;
    try {
      Properties props = brokerProperties(dataDir, brokerPort, controllerPort);
      Map<String, String> ownClient = Map.of();
      if (saslUsers != null) {
        props.putAll(saslPlainProperties(brokerPort, controllerPort, saslUsers));
        ownClient = saslPlainClient(BROKER_USER, saslUsers.get(BROKER_USER));
      }
      overrides.forEach(props::setProperty);
      format(dataDir, props);
      KafkaConfig config = new KafkaConfig(props, false);
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, brokerPort, controllerPort, server, ownClient);
      broker.awaitReady(deadlineNanos);
      LOG.info(
          "Kafka broker started on {} ({}; controller port {}) in {} ms, data in {}",
          broker.bootstrapServers(),
          saslUsers == null ? "PLAINTEXT" : "SASL_PLAINTEXT/PLAIN",
          controllerPort,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
          dataDir);
      return broker;
    } catch (RuntimeException | LinkageError e) {
      stopQuietly(server);
      ModelArchives.deleteRecursively(dataDir);
      throw new IllegalStateException(
          "embedded Kafka broker on " + HOST + ":" + brokerPort + " did not start: " + e + rootCause(e)
              + (port != 0 ? " (is the port already in use? pass 0 to pick a free port)" : ""),
          e);
    }
  }

  /** The client settings that log in as {@code user} with SASL/PLAIN over plain TCP. */
  private static Map<String, String> saslPlainClient(String user, String password) {
    return Map.of(
        "security.protocol", "SASL_PLAINTEXT",
        "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", PLAIN_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";");
  }

  /**
   * A SASL/PLAIN client listener instead of the PLAINTEXT one, also between brokers; the users and
   * the broker's own login in the listener's JAAS configuration.
   */
  static Properties saslPlainProperties(int brokerPort, int controllerPort, Map<String, String> users) {
    Properties p = new Properties();
    p.setProperty("listeners", SASL_LISTENER + "://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":"
        + controllerPort);
    p.setProperty("advertised.listeners", SASL_LISTENER + "://" + HOST + ":" + brokerPort);
    p.setProperty("listener.security.protocol.map", SASL_LISTENER + ":SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("inter.broker.listener.name", SASL_LISTENER);
    p.setProperty("sasl.enabled.mechanisms", "PLAIN");
    p.setProperty("sasl.mechanism.inter.broker.protocol", "PLAIN");
    StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE + " required username=\"").append(BROKER_USER)
        .append("\" password=\"").append(users.get(BROKER_USER)).append('"');
    users.forEach((name, password) -> jaas.append(" user_").append(name).append("=\"").append(password).append('"'));
    p.setProperty("listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config",
        jaas.append(';').toString());
    return p;
  }

  /**
   * The settings of a single-node broker+controller: loopback listeners, replication factor 1
   * for the internal topics, no group rebalance delay, small thread pools and buffers.
   */
  static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", String.valueOf(NODE_ID));
    p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", dataDir.resolve("logs").toString());
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("num.partitions", "1");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("min.insync.replicas", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "2");
    p.setProperty("background.threads", "2");
    p.setProperty("num.recovery.threads.per.data.dir", "1");
    p.setProperty("log.cleaner.threads", "1");
    // the default 128 MiB dedupe buffer is far more than a test broker needs
    p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    // models travel as single messages: allow large ones (topics may lower it)
    p.setProperty("message.max.bytes", String.valueOf(KafkaTopics.MAX_MODEL_MESSAGE_BYTES));
    p.setProperty("replica.fetch.max.bytes", String.valueOf(KafkaTopics.MAX_MODEL_MESSAGE_BYTES));
    p.setProperty("server.max.startup.time.ms", String.valueOf(STARTUP_TIMEOUT.toMillis()));
    return p;
  }

  /** Writes meta.properties and the bootstrap metadata, as {@code kafka-storage.sh format} does. */
  private static void format(Path dataDir, Properties props) {
    Path configFile = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "embedded Kafka broker");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + configFile, e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int code;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      code = StorageTool.execute(
          new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()}, print);
    } catch (Exception e) {
      throw new IllegalStateException(
          "formatting the Kafka log directory failed: " + e + "; output: " + output.toString(StandardCharsets.UTF_8), e);
    }
    if (code != 0) {
      throw new IllegalStateException(
          "formatting the Kafka log directory failed with exit code " + code + ": "
              + output.toString(StandardCharsets.UTF_8));
    }
  }

  /** Waits until an AdminClient sees this broker in describeCluster. */
  private void awaitReady(long deadlineNanos) {
    Exception last = null;
    try (Admin admin = admin()) {
      while (System.nanoTime() < deadlineNanos) {
        try {
          Collection<Node> nodes =
              admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes().get(5, TimeUnit.SECONDS);
          if (nodes.stream().anyMatch(n -> n.id() == NODE_ID)) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
        sleep(100);
      }
    }
    throw new IllegalStateException(
        "the Kafka broker did not accept an AdminClient describeCluster within "
            + STARTUP_TIMEOUT.toSeconds() + " s" + (last == null ? "" : "; last error: " + last));
  }

  /** The client bootstrap address, {@code 127.0.0.1:port}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** The client port (PLAINTEXT, or SASL_PLAINTEXT for {@link #startSaslPlain}). */
  public int port() {
    return port;
  }

  /** The KRaft controller port (clients do not need it). */
  public int controllerPort() {
    return controllerPort;
  }

  /** The temporary directory holding the logs and metadata; deleted by {@link #close()}. */
  public Path dataDirectory() {
    return dataDir;
  }

  /**
   * The client settings ({@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config})
   * that log in to a {@linkplain #startSaslPlain SASL/PLAIN broker} as {@code user} with {@code
   * password}, right or wrong; for a PLAINTEXT broker, none (an empty map).
   */
  public Map<String, String> clientProperties(String user, String password) {
    return ownClientProperties.isEmpty() ? Map.of() : saslPlainClient(user, password);
  }

  /** The settings this class's own clients use: the broker's own login on a SASL listener, else none. */
  public KafkaClientConfig clientConfig() {
    return ownClientProperties.isEmpty() ? KafkaClientConfig.none()
        : KafkaClientConfig.of(ownClientProperties, Map.of(), Map.of());
  }

  /** A new AdminClient for this broker (logged in as the broker itself on a SASL listener); the caller closes it. */
  public Admin admin() {
    Map<String, Object> config = new HashMap<>(ownClientProperties);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    return Admin.create(config);
  }

  /**
   * Creates a topic unless it exists, and waits until every partition has a leader. {@code
   * compacted} sets {@code cleanup.policy=compact}.
   */
  public void createTopic(String name, int partitions, boolean compacted) {
    KafkaTopics.ensureTopics(
        bootstrapServers(),
        Map.of(name, compacted ? KafkaTopics.TopicSpec.compacted(partitions) : KafkaTopics.TopicSpec.of(partitions)),
        clientConfig());
  }

  /** Shuts the broker down cleanly, waits for it, and deletes its data. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long startNanos = System.nanoTime();
    stopQuietly(server);
    ModelArchives.deleteRecursively(dataDir);
    LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? "" : " (cause: " + root + ")";
  }

  private static void stopQuietly(KafkaRaftServer server) {
    if (server == null) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("error while stopping the embedded Kafka broker", e);
    }
  }

  private static int freePortOtherThan(int port) {
    for (int i = 0; i < 10; i++) {
      int p = freePort();
      if (p != port) {
        return p;
      }
    }
    throw new IllegalStateException("could not find a free port for the Kafka controller");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + HOST, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
    }
  }
}

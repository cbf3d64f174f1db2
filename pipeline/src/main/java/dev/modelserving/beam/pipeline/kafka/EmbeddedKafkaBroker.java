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
 * clients must then log in as one of its users ({@link #clientProperties(String, String)}); {@link
 * #startSsl} with a TLS one.
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

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final KafkaRaftServer server;
  private final BrokerListener listener;
  private boolean closed;

  private EmbeddedKafkaBroker(Path dataDir, int port, int controllerPort, KafkaRaftServer server,
      BrokerListener listener) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.server = server;
    this.listener = listener;
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
    return start(port, overrides, BrokerListener.PLAINTEXT);
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
    return startSaslPlain(port, users, Map.of());
  }

  /**
   * Like {@link #startSaslPlain(int, Map)}, with broker settings that override the defaults, e.g. an
   * authorizer ({@code authorizer.class.name}, {@code super.users}: the broker logs in as {@code
   * User:embedded-broker}, and reaches its controller as {@code User:ANONYMOUS}).
   */
  public static EmbeddedKafkaBroker startSaslPlain(int port, Map<String, String> users, Map<String, String> overrides) {
    return start(port, overrides, BrokerListener.saslPlain(users));
  }

  /**
   * Starts a broker whose client listener ({@code 127.0.0.1:port}, 0 for a free port) takes only TLS
   * ({@code SSL}), with its key and certificate in the PKCS12 {@code keyStore} and the certificates
   * it trusts (its own, as it talks to itself) in the PKCS12 {@code trustStore}, both protected by
   * {@code password}. The certificate must name 127.0.0.1 (a subject alternative name), as clients
   * check it. Clients are not asked for certificates; {@link #clientConfig()} trusts the broker.
   */
  public static EmbeddedKafkaBroker startSsl(int port, Path keyStore, Path trustStore, String password) {
    return start(port, Map.of(), BrokerListener.ssl(keyStore, trustStore, password));
  }

  private static EmbeddedKafkaBroker start(int port, Map<String, String> overrides, BrokerListener listener) {
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
      props.putAll(listener.brokerProperties(HOST, brokerPort, controllerPort));
      overrides.forEach(props::setProperty);
      format(dataDir, props);
      KafkaConfig config = new KafkaConfig(props, false);
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, brokerPort, controllerPort, server, listener);
      broker.awaitReady(deadlineNanos);
      LOG.info(
          "Kafka broker started on {} ({}; controller port {}) in {} ms, data in {}",
          broker.bootstrapServers(),
          listener,
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

  /**
   * The settings of a single-node broker+controller: loopback listeners, replication factor 1
   * for the internal topics, no group rebalance delay, small thread pools and buffers.
   */
  static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", String.valueOf(NODE_ID));
    p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.putAll(BrokerListener.PLAINTEXT.brokerProperties(HOST, brokerPort, controllerPort));
    p.setProperty("controller.listener.names", "CONTROLLER");
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

  /** The client port (PLAINTEXT, SASL_PLAINTEXT for {@link #startSaslPlain}, SSL for {@link #startSsl}). */
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
   * password}, right or wrong.
   *
   * @throws IllegalStateException if the broker does not take SASL
   */
  public Map<String, String> clientProperties(String user, String password) {
    if (!listener.isSasl()) {
      throw new IllegalStateException("the broker's client listener is " + listener + ": it takes no SASL login");
    }
    return BrokerListener.login(user, password);
  }

  /**
   * The settings this class's own clients use: none on PLAINTEXT, the broker's own login on SASL,
   * the broker's trust store on TLS (what any client of it needs).
   */
  public KafkaClientConfig clientConfig() {
    return listener.ownClient().isEmpty() ? KafkaClientConfig.none()
        : KafkaClientConfig.of(listener.ownClient(), Map.of(), Map.of());
  }

  /** The security of the client listener: {@code PLAINTEXT}, {@code SASL_PLAINTEXT/PLAIN} or {@code SSL}. */
  public String security() {
    return listener.toString();
  }

  /** A new AdminClient for this broker (with {@link #clientConfig()}); the caller closes it. */
  public Admin admin() {
    Map<String, Object> config = new HashMap<>(listener.ownClient());
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

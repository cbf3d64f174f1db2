package dev.modelserving.beam.pipeline.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's Kafka client settings (security, timeouts, tuning) for every consumer, producer and
 * admin client of the application, from {@code --kafkaPropertiesFile}, {@code --kafkaProperties},
 * {@code --consumerProperties} and {@code --producerProperties}. Immutable and serializable.
 *
 * <p>Precedence, lowest first: the application's defaults for that client (its timeouts and
 * sizes), the file, {@code --kafkaProperties}, then {@code --consumerProperties} or {@code
 * --producerProperties} for their side. The settings the application needs in order to work
 * ({@link #reservedSettings()}: bootstrap servers, group ids, isolation level, auto commit,
 * (de)serializers, transactional id) cannot be given: that is an error naming the setting.
 *
 * <p>Secrets ({@link #isSecret}: {@code sasl.jaas.config}, passwords, keys) are never shown:
 * {@link #toString()} and {@link #masked} print {@value #HIDDEN} instead.
 */
public final class KafkaClientConfig implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(KafkaClientConfig.class);

  /** What a secret's value is shown as. */
  public static final String HIDDEN = "[hidden]";

  /** The option names the commands take, as in {@link KafkaClientOptions}. */
  public static final String FILE_OPTION = "kafkaPropertiesFile";
  public static final String ALL_OPTION = "kafkaProperties";
  public static final String CONSUMER_OPTION = "consumerProperties";
  public static final String PRODUCER_OPTION = "producerProperties";
  public static final Set<String> OPTIONS = Set.of(FILE_OPTION, ALL_OPTION, CONSUMER_OPTION, PRODUCER_OPTION);

  /** The help lines of the four options, for the commands' usage texts. */
  public static final List<String> USAGE = List.of(
      "Kafka client settings (for TLS, SASL, timeouts; every consumer, producer and admin client of the command):",
      "  --kafkaPropertiesFile PATH    a Java properties file, e.g. security.protocol, sasl.mechanism, sasl.jaas.config,",
      "                                ssl.truststore.location and its password (the place for secrets)",
      "  --kafkaProperties K=V,...     settings for every client; override the file",
      "  --consumerProperties K=V,...  consumer-only settings; override --kafkaProperties",
      "  --producerProperties K=V,...  producer-only settings; override --kafkaProperties",
      "                                (bootstrap.servers, group.id, isolation.level, enable.auto.commit, serializers and",
      "                                transactional.id are the application's own and cannot be set)");

  private static final Map<String, String> RESERVED = reserved();

  private static final ConfigDef CONSUMER_DEF = ConsumerConfig.configDef();
  private static final ConfigDef PRODUCER_DEF = ProducerConfig.configDef();
  private static final ConfigDef ADMIN_DEF = AdminClientConfig.configDef();

  private static final KafkaClientConfig NONE = new KafkaClientConfig(Map.of(), Map.of(), Map.of());

  private final TreeMap<String, String> common;
  private final TreeMap<String, String> consumer;
  private final TreeMap<String, String> producer;

  private KafkaClientConfig(Map<String, String> common, Map<String, String> consumer, Map<String, String> producer) {
    this.common = new TreeMap<>(common);
    this.consumer = new TreeMap<>(consumer);
    this.producer = new TreeMap<>(producer);
  }

  private static Map<String, String> reserved() {
    Map<String, String> r = new LinkedHashMap<>();
    r.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "give the brokers with --bootstrapServers");
    r.put(ConsumerConfig.GROUP_ID_CONFIG, "the application's consumer groups follow --consumerGroup");
    r.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        "the application reads read_committed, so the output of aborted exactly-once transactions is never seen");
    r.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "the application commits its offsets itself (with checkpoints)");
    for (String k : List.of(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)) {
      r.put(k, "the application's messages have their own (de)serializers");
    }
    r.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the exactly-once output (--outputDelivery) sets it");
    return Collections.unmodifiableMap(r);
  }

  /** No settings of the user's: every client uses the application's defaults. */
  public static KafkaClientConfig none() {
    return NONE;
  }

  /**
   * Settings for every client, for consumers only and for producers only.
   *
   * @throws IllegalArgumentException if one of them is {@linkplain #reservedSettings() the
   *     application's own}, a key is empty, or a value is not one Kafka takes
   */
  public static KafkaClientConfig of(Map<String, String> all, Map<String, String> consumerOnly,
      Map<String, String> producerOnly) {
    check("the Kafka client settings", all);
    check("the consumer settings", consumerOnly);
    check("the producer settings", producerOnly);
    KafkaClientConfig config = new KafkaClientConfig(all, consumerOnly, producerOnly);
    config.checkValues();
    return config;
  }

  /**
   * The settings the options give: the file's, overridden by {@code --kafkaProperties}; the
   * side-specific lists on top of them.
   *
   * @throws IllegalArgumentException for a missing or unreadable file, a malformed list, or a
   *     reserved setting, naming the option
   */
  public static KafkaClientConfig from(KafkaClientOptions o) {
    return from(o.getKafkaPropertiesFile(), o.getKafkaProperties(), o.getConsumerProperties(),
        o.getProducerProperties());
  }

  /**
   * {@link #from(KafkaClientOptions)} for a command's parsed options (option name to value; the
   * names of {@link #OPTIONS}, others are ignored).
   */
  public static KafkaClientConfig fromCommandOptions(Map<String, String> options) {
    return from(options.get(FILE_OPTION), options.get(ALL_OPTION), options.get(CONSUMER_OPTION),
        options.get(PRODUCER_OPTION));
  }

  static KafkaClientConfig from(String file, String all, String consumerOnly, String producerOnly) {
    Map<String, String> common = new HashMap<>();
    if (file != null && !file.isBlank()) {
      Map<String, String> fromFile = readFile(Path.of(file.trim()));
      check("--" + FILE_OPTION + " (" + file.trim() + ")", fromFile);
      common.putAll(fromFile);
    }
    Map<String, String> list = parseList("--" + ALL_OPTION, all);
    check("--" + ALL_OPTION, list);
    common.putAll(list);
    Map<String, String> consumer = parseList("--" + CONSUMER_OPTION, consumerOnly);
    check("--" + CONSUMER_OPTION, consumer);
    Map<String, String> producer = parseList("--" + PRODUCER_OPTION, producerOnly);
    check("--" + PRODUCER_OPTION, producer);
    warnIfUnknown("--" + CONSUMER_OPTION, consumer, CONSUMER_DEF);
    warnIfUnknown("--" + PRODUCER_OPTION, producer, PRODUCER_DEF);
    warnIfUnknown("the Kafka client settings", common, CONSUMER_DEF, PRODUCER_DEF, ADMIN_DEF);
    if (common.isEmpty() && consumer.isEmpty() && producer.isEmpty()) {
      return NONE;
    }
    KafkaClientConfig config = new KafkaClientConfig(common, consumer, producer);
    config.checkValues();
    return config;
  }

  /**
   * Checks every value as Kafka's clients will (types, allowed values), before any client exists.
   *
   * @throws IllegalArgumentException with Kafka's reason, e.g. {@code Invalid value X for
   *     configuration security.protocol: ...}
   */
  private void checkValues() {
    Map<String, Object> types = Map.of(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try {
      CONSUMER_DEF.parse(consumerConfig("127.0.0.1:9092", Map.of(), types));
      PRODUCER_DEF.parse(producerConfig("127.0.0.1:9092", Map.of(), types));
      ADMIN_DEF.parse(adminConfig("127.0.0.1:9092", Map.of()));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("a Kafka client setting is wrong: " + e.getMessage(), e);
    }
    for (Map<String, String> settings : List.of(consumerSettings(), producerSettings())) {
      String jaas = settings.get(SaslConfigs.SASL_JAAS_CONFIG);
      if (jaas != null) {
        try {
          JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("a Kafka client setting is wrong: " + SaslConfigs.SASL_JAAS_CONFIG + ": "
              + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * Parses {@code key=value} items separated by ','. An item without '=' continues the value before
   * it ({@code ssl.enabled.protocols=TLSv1.2,TLSv1.3}); keys and values are trimmed. Null or blank:
   * no settings.
   *
   * @throws IllegalArgumentException naming {@code option} for an item that starts without a key,
   *     or a key given twice
   */
  public static Map<String, String> parseList(String option, String value) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return settings;
    }
    String last = null;
    for (String item : value.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq < 0) {
        if (last == null) {
          throw new IllegalArgumentException(option + ": '" + item.trim() + "' is not key=value; give the settings"
              + " as key=value pairs separated by ',' (values with ',' and '=' go in --" + FILE_OPTION + ")");
        }
        settings.put(last, settings.get(last) + "," + item.trim());
        continue;
      }
      String key = item.substring(0, eq).trim();
      if (key.isEmpty()) {
        throw new IllegalArgumentException(option + ": an item has no key before '=': give key=value pairs");
      }
      if (settings.put(key, item.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException(option + ": '" + key + "' is given twice");
      }
      last = key;
    }
    return settings;
  }

  private static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--" + FILE_OPTION + ": no such file: " + file.toAbsolutePath());
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + FILE_OPTION + ": cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
    }
    Map<String, String> settings = new HashMap<>();
    p.stringPropertyNames().forEach(k -> settings.put(k.trim(), p.getProperty(k)));
    return settings;
  }

  private static void check(String source, Map<String, String> settings) {
    for (String key : settings.keySet()) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(source + ": a setting has an empty name");
      }
      String why = RESERVED.get(key);
      if (why != null) {
        throw new IllegalArgumentException(source + " sets '" + key + "', which the application sets itself and"
            + " which cannot be overridden: " + why);
      }
    }
  }

  /** Unknown settings already warned about: the options are resolved more than once per run. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private static void warnIfUnknown(String source, Map<String, String> settings, ConfigDef... defs) {
    for (String key : settings.keySet()) {
      boolean known = false;
      for (ConfigDef def : defs) {
        known |= def.names().contains(key);
      }
      if (!known && WARNED.add(source + " " + key)) {
        LOG.warn("{}: '{}' is not a setting of Kafka's {} client; it is passed on as given (a plug-in may read it)",
            source, key, defs.length == 1 ? (defs[0] == CONSUMER_DEF ? "consumer" : "producer") : "consumer, producer or admin");
      }
    }
  }

  /** The settings the application sets itself, each with why: giving one of them is an error. */
  public static Map<String, String> reservedSettings() {
    return RESERVED;
  }

  /**
   * True for a setting whose value is a secret: {@code sasl.jaas.config} (also per listener), any
   * setting whose name holds "password" or "secret", and every setting of Kafka's password type
   * (e.g. {@code ssl.keystore.key}).
   */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.endsWith(SaslConfigs.SASL_JAAS_CONFIG) || k.contains("password") || k.contains("secret")) {
      return true;
    }
    for (ConfigDef def : List.of(CONSUMER_DEF, PRODUCER_DEF, ADMIN_DEF)) {
      ConfigDef.ConfigKey configKey = def.configKeys().get(key);
      if (configKey != null && configKey.type == ConfigDef.Type.PASSWORD) {
        return true;
      }
    }
    return false;
  }

  /** The settings with every secret's value replaced by {@value #HIDDEN}, in key order. */
  public static Map<String, String> masked(Map<String, ?> settings) {
    Map<String, String> m = new TreeMap<>();
    settings.forEach((k, v) -> m.put(k, isSecret(k) ? HIDDEN : String.valueOf(v)));
    return m;
  }

  /** True when the user gave no setting. */
  public boolean isEmpty() {
    return common.isEmpty() && consumer.isEmpty() && producer.isEmpty();
  }

  /** The user's settings for consumers: the common ones, then the consumer-only ones. */
  public Map<String, String> consumerSettings() {
    Map<String, String> m = new HashMap<>(common);
    m.putAll(consumer);
    return m;
  }

  /** The user's settings for producers: the common ones, then the producer-only ones. */
  public Map<String, String> producerSettings() {
    Map<String, String> m = new HashMap<>(common);
    m.putAll(producer);
    return m;
  }

  /** The user's settings for admin clients: the common ones. */
  public Map<String, String> adminSettings() {
    return new HashMap<>(common);
  }

  /**
   * A consumer's whole configuration: the application's {@code defaults} for it, the user's
   * consumer settings over them, then the bootstrap servers and the {@code required} settings.
   */
  public Map<String, Object> consumerConfig(String bootstrapServers, Map<String, ?> defaults, Map<String, ?> required) {
    return merge(bootstrapServers, defaults, consumerSettings(), required);
  }

  /** A producer's whole configuration, as {@link #consumerConfig}. */
  public Map<String, Object> producerConfig(String bootstrapServers, Map<String, ?> defaults, Map<String, ?> required) {
    return merge(bootstrapServers, defaults, producerSettings(), required);
  }

  /** An admin client's whole configuration: the application's {@code defaults}, the user's common settings over them. */
  public Map<String, Object> adminConfig(String bootstrapServers, Map<String, ?> defaults) {
    return merge(bootstrapServers, defaults, adminSettings(), Map.of());
  }

  private static Map<String, Object> merge(String bootstrapServers, Map<String, ?> defaults, Map<String, String> user,
      Map<String, ?> required) {
    Map<String, Object> config = new HashMap<>(defaults);
    config.putAll(user);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.putAll(required);
    return config;
  }

  /**
   * How a client with this configuration talks to Kafka, for messages: the security protocol
   * ({@code PLAINTEXT} when unset) and, for SASL, the mechanism, e.g. {@code SASL_PLAINTEXT/PLAIN}.
   */
  public static String security(Map<String, ?> clientConfig) {
    Object protocol = clientConfig.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
    String p = protocol == null ? CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL : protocol.toString().trim().toUpperCase(Locale.ROOT);
    if (!p.startsWith("SASL")) {
      return p;
    }
    Object mechanism = clientConfig.get(SaslConfigs.SASL_MECHANISM);
    return p + "/" + (mechanism == null ? SaslConfigs.DEFAULT_SASL_MECHANISM : mechanism.toString().trim());
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof KafkaClientConfig)) {
      return false;
    }
    KafkaClientConfig c = (KafkaClientConfig) o;
    return common.equals(c.common) && consumer.equals(c.consumer) && producer.equals(c.producer);
  }

  @Override
  public int hashCode() {
    return Objects.hash(common, consumer, producer);
  }

  /** The settings with secrets {@linkplain #masked masked}. */
  @Override
  public String toString() {
    if (isEmpty()) {
      return "no Kafka client settings";
    }
    StringBuilder s = new StringBuilder("Kafka client settings ").append(masked(common));
    if (!consumer.isEmpty()) {
      s.append(", consumers ").append(masked(consumer));
    }
    if (!producer.isEmpty()) {
      s.append(", producers ").append(masked(producer));
    }
    return s.toString();
  }
}

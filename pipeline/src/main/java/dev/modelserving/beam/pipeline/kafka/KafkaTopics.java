package dev.modelserving.beam.pipeline.kafka;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic helpers over Kafka's AdminClient: create the serving topics if they are missing, and the
 * message keys of model messages ({@link #modelKey(ModelDescriptor)}).
 *
 * <p>The model topic is compacted with one partition: the models of one (data type, name) stay
 * in order, and compaction keeps the latest model of every key so a restarted pipeline that reads
 * the topic from the beginning finds every current model.
 */
public final class KafkaTopics {
  /** The largest model message (the model topic's {@code max.message.bytes}): 64 MiB. */
  public static final int MAX_MODEL_MESSAGE_BYTES = 64 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
  private static final long TIMEOUT_SECONDS = 30;

  private KafkaTopics() {}

  /** The last part of the key of a rollback message: {@code dataType/name/rollback}. */
  public static final String ROLLBACK_KEY_SUFFIX = "/rollback";

  /** The name part of the key of a routing message: {@code dataType/_routing}. */
  public static final String ROUTING_KEY_NAME = "_routing";

  /**
   * The message key of a model that is added: {@code dataType + "/" + modelName}. Compaction keeps
   * the latest message of every key, i.e. the latest version of every (data type, model name).
   *
   * <p>Model names that would collide with the keys of the set operations are refused: the name
   * {@value #ROUTING_KEY_NAME}, and names ending in {@value #ROLLBACK_KEY_SUFFIX}.
   *
   * @throws IllegalArgumentException if either is empty, the data type contains '/', or the name is reserved
   * @see #modelKey(ModelDescriptor)
   */
  public static String modelKey(String dataType, String modelName) {
    checkDataType(dataType);
    if (modelName == null || modelName.isEmpty()) {
      throw new IllegalArgumentException("a model's name must not be empty");
    }
    if (modelName.equals(ROUTING_KEY_NAME) || modelName.endsWith(ROLLBACK_KEY_SUFFIX)) {
      throw new IllegalArgumentException("the model name '" + modelName + "' is reserved: a model must not be named '"
          + ROUTING_KEY_NAME + "' or end in '" + ROLLBACK_KEY_SUFFIX + "' (the keys of routing and rollback messages)");
    }
    return dataType + "/" + modelName;
  }

  /**
   * The message key of a set operation on the model topic. The topic is compacted (Kafka keeps the
   * latest message of every key), so the key decides which messages survive:
   *
   * <ul>
   *   <li>ADD and REMOVE: {@code dataType/name} ({@link #modelKey(String, String)}): the latest add
   *       of a model is kept, and a remove compacts the model's adds away, as it should;
   *   <li>ROLLBACK: {@code dataType/name/rollback} ({@link #rollbackKey}): a key of its own, so the
   *       rollback does not compact away the added version it refers to;
   *   <li>ROUTE: {@code dataType/_routing} ({@link #routingKey}): the latest routing of a data type
   *       wins.
   * </ul>
   *
   * @throws IllegalArgumentException if the data type or a needed model name is empty or not
   *     allowed in a key, or the action is unknown
   */
  public static String modelKey(ModelDescriptor descriptor) {
    switch (descriptor.getAction()) {
      case ADD:
      case REMOVE:
        return modelKey(descriptor.getDataType(), descriptor.getName());
      case ROLLBACK:
        return rollbackKey(descriptor.getDataType(), descriptor.getName());
      case ROUTE:
        return routingKey(descriptor.getDataType());
      default:
        throw new IllegalArgumentException("model message " + descriptor.getName() + " has an unknown action ("
            + descriptor.getActionValue() + "); it has no message key");
    }
  }

  /** The key of a rollback of model {@code modelName}: {@code dataType/modelName/rollback}. */
  public static String rollbackKey(String dataType, String modelName) {
    return modelKey(dataType, modelName) + ROLLBACK_KEY_SUFFIX;
  }

  /** The key of the routing of {@code dataType}: {@code dataType/_routing}. */
  public static String routingKey(String dataType) {
    checkDataType(dataType);
    return dataType + "/" + ROUTING_KEY_NAME;
  }

  private static void checkDataType(String dataType) {
    if (dataType == null || dataType.isEmpty()) {
      throw new IllegalArgumentException("a model's data type must not be empty");
    }
    if (dataType.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "a model's data type must not contain '/' (it separates data type and name in the message key): " + dataType);
    }
  }

  /** How a topic is created: partition count and topic configs. Immutable. */
  public static final class TopicSpec {
    private final int partitions;
    private final Map<String, String> configs;

    private TopicSpec(int partitions, Map<String, String> configs) {
      if (partitions < 1) {
        throw new IllegalArgumentException("a topic needs at least 1 partition, was " + partitions);
      }
      this.partitions = partitions;
      this.configs = Map.copyOf(configs);
    }

    /** A topic with the broker's default cleanup policy (delete). */
    public static TopicSpec of(int partitions) {
      return new TopicSpec(partitions, Map.of());
    }

    /** A compacted topic ({@code cleanup.policy=compact}). */
    public static TopicSpec compacted(int partitions) {
      return new TopicSpec(partitions, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /** The model topic: compacted, 1 partition, messages up to {@link #MAX_MODEL_MESSAGE_BYTES}. */
    public static TopicSpec modelTopic() {
      return compacted(1).withConfig(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_MODEL_MESSAGE_BYTES));
    }

    /** This spec with one more topic config. */
    public TopicSpec withConfig(String name, String value) {
      Map<String, String> more = new HashMap<>(configs);
      more.put(name, value);
      return new TopicSpec(partitions, more);
    }

    public int partitions() {
      return partitions;
    }

    public Map<String, String> configs() {
      return configs;
    }

    public boolean isCompacted() {
      return TopicConfig.CLEANUP_POLICY_COMPACT.equals(configs.get(TopicConfig.CLEANUP_POLICY_CONFIG));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TopicSpec && ((TopicSpec) o).partitions == partitions && ((TopicSpec) o).configs.equals(configs);
    }

    @Override
    public int hashCode() {
      return Objects.hash(partitions, configs);
    }

    @Override
    public String toString() {
      return partitions + " partition(s) " + configs;
    }
  }

  /**
   * The topics of the serving application: the compacted single-partition model topic, and the
   * data, output and dead-letter topics with {@code partitions} partitions each. A null or empty
   * name leaves that topic out.
   */
  public static Map<String, TopicSpec> servingTopics(
      String modelTopic, String dataTopic, String outputTopic, String deadLetterTopic, int partitions) {
    Map<String, TopicSpec> topics = new LinkedHashMap<>();
    putIfNamed(topics, modelTopic, TopicSpec.modelTopic());
    putIfNamed(topics, dataTopic, TopicSpec.of(partitions));
    putIfNamed(topics, outputTopic, TopicSpec.of(partitions));
    putIfNamed(topics, deadLetterTopic, TopicSpec.of(partitions));
    return topics;
  }

  private static void putIfNamed(Map<String, TopicSpec> topics, String name, TopicSpec spec) {
    if (name != null && !name.isEmpty()) {
      topics.putIfAbsent(name, spec);
    }
  }

  /**
   * Creates the topics that do not exist yet and waits until every partition of every listed topic
   * has a leader. Existing topics are left as they are; a warning is logged if an existing topic
   * that should be compacted is not. Returns the names of the topics this call created.
   */
  public static Set<String> ensureTopics(String bootstrapServers, Map<String, TopicSpec> topics) {
    return ensureTopics(bootstrapServers, topics, KafkaClientConfig.none());
  }

  /**
   * {@link #ensureTopics(String, Map)} with an admin client that has the user's settings ({@code
   * clients}: security, timeouts).
   *
   * @throws KafkaAccessException if Kafka refuses the client or does not answer in time
   */
  public static Set<String> ensureTopics(String bootstrapServers, Map<String, TopicSpec> topics,
      KafkaClientConfig clients) {
    Map<String, Object> config = adminConfig(bootstrapServers, clients);
    try (Admin admin = Admin.create(config)) {
      return ensureTopics(admin, topics);
    } catch (RuntimeException e) {
      throw KafkaAccessException.orElse("create the topics " + topics.keySet(), config, e, e);
    }
  }

  /**
   * The names of the topics at {@code bootstrapServers}, listed with the user's settings.
   *
   * @throws KafkaAccessException if Kafka refuses the client or does not answer in time
   */
  public static Set<String> listTopics(String bootstrapServers, KafkaClientConfig clients) {
    Map<String, Object> config = adminConfig(bootstrapServers, clients);
    try (Admin admin = Admin.create(config)) {
      return admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw KafkaAccessException.orElse("list the topics", config, e,
          new IllegalStateException("cannot list the Kafka topics at " + bootstrapServers + ": " + e, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing Kafka topics", e);
    }
  }

  /** An admin client's configuration: the application's timeouts, the user's settings over them. */
  static Map<String, Object> adminConfig(String bootstrapServers, KafkaClientConfig clients) {
    return clients.adminConfig(bootstrapServers, Map.of(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
  }

  /** {@link #ensureTopics(String, Map)} with an AdminClient the caller owns. */
  public static Set<String> ensureTopics(Admin admin, Map<String, TopicSpec> topics) {
    List<NewTopic> newTopics = new ArrayList<>();
    topics.forEach((name, spec) ->
        newTopics.add(new NewTopic(name, Optional.of(spec.partitions()), Optional.empty()).configs(spec.configs())));
    Set<String> created = new TreeSet<>();
    Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics).values();
    for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
      try {
        result.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        created.add(result.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create Kafka topic '" + result.getKey() + "': " + e.getCause(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("timed out creating Kafka topic '" + result.getKey() + "'; is the broker up?", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating Kafka topics", e);
      }
    }
    if (!created.isEmpty()) {
      LOG.info("created Kafka topics {}", created);
    }
    awaitLeaders(admin, topics.keySet());
    warnIfNotCompacted(admin, topics, created);
    return created;
  }

  /** The topic-level value of one config of a topic, as the broker reports it. */
  public static String topicConfig(Admin admin, String topic, String configName) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      Config config = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
      ConfigEntry entry = config.get(configName);
      return entry == null ? null : entry.value();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read config '" + configName + "' of Kafka topic '" + topic + "': " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading a Kafka topic config", e);
    }
  }

  private static void awaitLeaders(Admin admin, Collection<String> names) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        boolean ready = descriptions.values().stream()
            .allMatch(d -> !d.partitions().isEmpty()
                && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        if (ready) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new IllegalStateException("cannot describe Kafka topics " + names + ": " + e.getCause(), e.getCause());
        }
        last = e;
      } catch (TimeoutException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Kafka topics", e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Kafka topics", e);
      }
    }
    throw new IllegalStateException(
        "Kafka topics " + names + " have no partition leaders after " + TIMEOUT_SECONDS + " s"
            + (last == null ? "" : "; last error: " + last));
  }

  private static void warnIfNotCompacted(Admin admin, Map<String, TopicSpec> topics, Set<String> created) {
    topics.forEach((name, spec) -> {
      if (spec.isCompacted() && !created.contains(name)) {
        String policy = topicConfig(admin, name, TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy == null || !policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
          LOG.warn("Kafka topic '{}' exists with cleanup.policy={}, not compact: old messages (models) will be "
              + "deleted by retention and a restarted pipeline may not find its models; recreate it compacted "
              + "or run: kafka-configs --alter --entity-type topics --entity-name {} --add-config cleanup.policy=compact",
              name, policy, name);
        }
      }
    });
  }
}

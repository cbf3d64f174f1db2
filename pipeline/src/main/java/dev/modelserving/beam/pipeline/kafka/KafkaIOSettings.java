package dev.modelserving.beam.pipeline.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Applies the user's {@link KafkaClientConfig} to KafkaIO reads and writes. Settings that are not
 * secret go into KafkaIO's configuration ({@code withConsumerConfigUpdates}, {@code
 * withProducerConfigUpdates}); secrets are added by the consumer and producer factories instead,
 * because KafkaIO shows its configuration as display data (in the runner's UI) and they must not
 * appear there.
 */
public final class KafkaIOSettings {
  private KafkaIOSettings() {}

  /**
   * {@code read} with the application's {@code defaults} for this reader, the user's consumer
   * settings over them, then the {@code required} settings.
   */
  public static <K, V> KafkaIO.Read<K, V> read(KafkaIO.Read<K, V> read, KafkaClientConfig clients,
      Map<String, ?> defaults, Map<String, ?> required) {
    Map<String, String> user = clients.consumerSettings();
    Map<String, Object> updates = new HashMap<>(defaults);
    updates.putAll(withoutSecrets(user));
    updates.putAll(required);
    KafkaIO.Read<K, V> configured = read.withConsumerConfigUpdates(updates);
    Map<String, String> secrets = secrets(user);
    return secrets.isEmpty() ? configured : configured.withConsumerFactoryFn(new ConsumerWith(secrets));
  }

  /**
   * {@code write} with the user's producer settings. Its exactly-once sink also opens consumers,
   * which KafkaIO configures with the bootstrap servers and a group only: they get the user's
   * consumer settings through the consumer factory.
   */
  public static <K, V> KafkaIO.Write<K, V> write(KafkaIO.Write<K, V> write, KafkaClientConfig clients) {
    if (clients.isEmpty()) {
      return write;
    }
    Map<String, String> user = clients.producerSettings();
    KafkaIO.Write<K, V> configured = write.withProducerConfigUpdates(new HashMap<>(withoutSecrets(user)))
        .withConsumerFactoryFn(new ConsumerWith(clients.consumerSettings()));
    Map<String, String> secrets = secrets(user);
    return secrets.isEmpty() ? configured : configured.withProducerFactoryFn(new ProducerWith<>(secrets));
  }

  static Map<String, String> secrets(Map<String, String> settings) {
    Map<String, String> m = new TreeMap<>();
    settings.forEach((k, v) -> {
      if (KafkaClientConfig.isSecret(k)) {
        m.put(k, v);
      }
    });
    return m;
  }

  static Map<String, String> withoutSecrets(Map<String, String> settings) {
    Map<String, String> m = new TreeMap<>();
    settings.forEach((k, v) -> {
      if (!KafkaClientConfig.isSecret(k)) {
        m.put(k, v);
      }
    });
    return m;
  }

  /** Makes KafkaIO's consumers with more settings; KafkaIO's own configuration wins where both set one. */
  static final class ConsumerWith implements SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> {
    private static final long serialVersionUID = 1L;
    private final TreeMap<String, String> settings;

    ConsumerWith(Map<String, String> settings) {
      this.settings = new TreeMap<>(settings);
    }

    @Override
    public Consumer<byte[], byte[]> apply(Map<String, Object> config) {
      Map<String, Object> all = new HashMap<>(config);
      settings.forEach(all::putIfAbsent);
      return new KafkaConsumer<>(all);
    }

    /** The settings it adds, secrets masked. */
    @Override
    public String toString() {
      return "ConsumerWith" + KafkaClientConfig.masked(settings);
    }
  }

  /** Makes KafkaIO's producers with more settings; KafkaIO's own configuration wins where both set one. */
  static final class ProducerWith<K, V> implements SerializableFunction<Map<String, Object>, Producer<K, V>> {
    private static final long serialVersionUID = 1L;
    private final TreeMap<String, String> settings;

    ProducerWith(Map<String, String> settings) {
      this.settings = new TreeMap<>(settings);
    }

    @Override
    public Producer<K, V> apply(Map<String, Object> config) {
      Map<String, Object> all = new HashMap<>(config);
      settings.forEach(all::putIfAbsent);
      return new KafkaProducer<>(all);
    }

    /** The settings it adds, secrets masked. */
    @Override
    public String toString() {
      return "ProducerWith" + KafkaClientConfig.masked(settings);
    }
  }
}

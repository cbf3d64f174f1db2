package dev.modelserving.beam.pipeline.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything a {@code read_committed} consumer sees on an output topic of scored records, from its
 * start: how often each record id came, which model (uuid and version) scored it, and when each
 * message was written and received. Runs on a thread of its own until {@link #stop()}.
 */
public final class ScoredOutput implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One message as the consumer saw it. */
  public record Message(String id, String modelUuid, String modelVersion, long writtenAt, long receivedAt) {}

  private final String bootstrapServers;
  private final String topic;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, Integer> count = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Message> messages = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public ScoredOutput(String bootstrapServers, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
  }

  /** Distinct record ids seen. */
  public int distinct() {
    return count.size();
  }

  /** Messages seen, duplicates included. */
  public int total() {
    return messages.size();
  }

  /** Whether record id {@code id} came at least once. */
  public boolean contains(String id) {
    return count.containsKey(id);
  }

  /** Record ids that came more than once, with how often. */
  public Map<String, Integer> duplicates() {
    return count.entrySet().stream().filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }

  /** Every message seen so far, in the order received. */
  public List<Message> messages() {
    return List.copyOf(messages);
  }

  /** The models ({@code uuid@version}) that scored the messages {@code which} selects. */
  public Set<String> models(java.util.function.Predicate<Message> which) {
    return messages.stream().filter(which).map(m -> m.modelUuid() + "@" + m.modelVersion())
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Why reading stopped early, or null. */
  public Exception failure() {
    return failure.get();
  }

  public void stop() {
    running.set(false);
  }

  @Override
  public void run() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic + "-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      while (running.get()) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          JsonNode json = JSON.readTree(r.value());
          String id = json.path("id").asText();
          JsonNode model = json.path("model");
          messages.add(new Message(id, model.path("uuid").asText(), model.path("version").asText(), r.timestamp(), now));
          count.merge(id, 1, Integer::sum);
        }
      }
    } catch (Exception e) {
      failure.set(e);
    }
  }
}

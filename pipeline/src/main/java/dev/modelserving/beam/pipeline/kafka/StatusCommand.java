package dev.modelserving.beam.pipeline.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.pipeline.io.StatusJson;
import dev.modelserving.beam.pipeline.io.StatusTable;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The {@code status} command: reads the model status topic from its beginning to its end and
 * prints the latest report of every data type, as a table or ({@code --json}) as the reports'
 * JSON, one per line; then exits. Run with {@code --help} for the options.
 */
public final class StatusCommand {
  static final String DEFAULT_TOPIC = "model-status";
  static final String USAGE = String.join("\n",
      "Usage: status --bootstrapServers HOST:PORT [--statusTopic TOPIC] [--dataType TYPE] [--json]",
      "",
      "Prints the latest model status report of every data type: its current models, their roles, when they were",
      "loaded and became current, the records each scored since then, and their call latency. A serving pipeline",
      "writes a report on every model change and every --statusIntervalSeconds (30 by default) to its --statusTopic.",
      "The command reads the topic from its beginning to its end, prints, and exits.",
      "",
      "Required:",
      "  --bootstrapServers HOST:PORT  Kafka brokers",
      "Optional:",
      "  --statusTopic TOPIC           the status topic (default " + DEFAULT_TOPIC + ")",
      "  --dataType TYPE               only this data type",
      "  --json                        print the reports' JSON, one per line, instead of a table",
      "  --timeoutSeconds N            give up reaching Kafka or reading the topic after N seconds (default 30)",
      "  --help                        print this help",
      String.join("\n", KafkaClientConfig.USAGE));

  private static final Set<String> VALUE_OPTIONS =
      PublishModelCommand.withKafkaClientOptions("bootstrapServers", "statusTopic", "dataType", "timeoutSeconds");
  private static final Set<String> FLAG_OPTIONS = Set.of("json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusCommand() {}

  /** Runs the command; exits the JVM with status 1 on failure and 2 on bad arguments. */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the command and returns its exit status: 0 printed, 1 nothing to print (the topic is
   * missing or has no report, or Kafka cannot be reached), 2 bad arguments.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> options;
    Duration timeout;
    KafkaClientConfig clients;
    try {
      options = PublishModelCommand.parse(args, VALUE_OPTIONS, FLAG_OPTIONS, Set.of());
      if (options.containsKey("help")) {
        out.println(USAGE);
        return 0;
      }
      PublishModelCommand.requireOption(options, "bootstrapServers");
      timeout = Duration.ofSeconds(seconds(options.getOrDefault("timeoutSeconds", "30")));
      clients = KafkaClientConfig.fromCommandOptions(options);
    } catch (IllegalArgumentException e) {
      return PublishModelCommand.badArguments("status", e, err);
    }
    String servers = options.get("bootstrapServers");
    String topic = options.getOrDefault("statusTopic", DEFAULT_TOPIC);
    String dataType = options.get("dataType");
    List<JsonNode> reports;
    try {
      KafkaReachability.require(servers, "read the status topic '" + topic + "'");
      reports = latestReports(servers, topic, timeout, err, clients);
    } catch (KafkaAccessException e) {
      err.println("status: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      return PublishModelCommand.badArguments("status", e, err);
    } catch (KafkaException | IllegalStateException e) {
      err.println("status: cannot read topic '" + topic + "' at " + servers + ": " + KafkaAccessException.withCauses(e));
      return 1;
    }
    if (reports == null) {
      err.println("status: topic '" + topic + "' does not exist at " + servers + ". A serving pipeline creates it"
          + " when it starts (its --statusTopic, default " + DEFAULT_TOPIC + "); give --statusTopic if it uses another.");
      return 1;
    }
    if (dataType != null) {
      reports.removeIf(r -> !r.path("dataType").asText().equals(dataType));
    }
    if (reports.isEmpty()) {
      err.println("status: topic '" + topic + "' has no report" + (dataType == null ? "" : " of data type '" + dataType + "'")
          + " yet. A serving pipeline writes one when a model takes over and every --statusIntervalSeconds.");
      return 1;
    }
    if (options.containsKey("json")) {
      for (JsonNode r : reports) {
        out.println(r.toString());
      }
      return 0;
    }
    out.println("Model status from topic '" + topic + "' at " + servers + ": the latest report of " + reports.size()
        + (reports.size() == 1 ? " data type" : " data types"));
    out.println();
    StatusTable.render(reports, Instant.now()).forEach(out::println);
    return 0;
  }

  /**
   * The latest report of every data type on the topic, in data type order, or null if the topic
   * does not exist. A value that is not a status report is skipped with a warning on {@code err}.
   */
  static List<JsonNode> latestReports(String bootstrapServers, String topic, Duration timeout, PrintStream err) {
    return latestReports(bootstrapServers, topic, timeout, err, KafkaClientConfig.none());
  }

  /**
   * {@link #latestReports(String, String, Duration, PrintStream)} with a consumer that has the
   * user's settings ({@code clients}); {@code timeout} is its default API timeout unless they set one.
   *
   * @throws KafkaAccessException if Kafka refuses the consumer or does not answer in time
   */
  static List<JsonNode> latestReports(String bootstrapServers, String topic, Duration timeout, PrintStream err,
      KafkaClientConfig clients) {
    Map<String, Object> config = clients.consumerConfig(bootstrapServers,
        Map.of(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis())),
        Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
    try {
      return readReports(config, topic, timeout, err);
    } catch (RuntimeException e) {
      throw KafkaAccessException.orElse("read the status topic '" + topic + "'", config, e, e);
    }
  }

  private static List<JsonNode> readReports(Map<String, Object> config, String topic, Duration timeout,
      PrintStream err) {
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    try {
      Map<String, List<PartitionInfo>> topics = consumer.listTopics(timeout);
      List<PartitionInfo> infos = topics.get(topic);
      if (infos == null || infos.isEmpty()) {
        return null;
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      Map<String, JsonNode> latest = new TreeMap<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!readToEnd(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the topic was not read to its end within " + timeout.getSeconds() + " s");
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          JsonNode report = parse(r, err);
          if (report != null) {
            latest.merge(report.path("dataType").asText(), report, StatusCommand::newer);
          }
        }
      }
      return new ArrayList<>(latest.values());
    } finally {
      consumer.close(Duration.ofSeconds(1)); // it has nothing to commit
    }
  }

  private static boolean readToEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** The later of two reports of a data type: by report time, then by number (the topic's order breaks a tie). */
  private static JsonNode newer(JsonNode was, JsonNode now) {
    Instant a = Instant.parse(was.path("reportedAt").asText());
    Instant b = Instant.parse(now.path("reportedAt").asText());
    if (b.equals(a)) {
      return now.path("sequence").asLong() >= was.path("sequence").asLong() ? now : was;
    }
    return b.isAfter(a) ? now : was;
  }

  private static JsonNode parse(ConsumerRecord<String, String> r, PrintStream err) {
    if (r.value() == null) {
      return null; // a tombstone
    }
    try {
      JsonNode node = JSON.readTree(r.value());
      if (node.path("kind").asText().equals(StatusJson.KIND) && node.path("dataType").isTextual()
          && node.path("reportedAt").isTextual()) {
        Instant.parse(node.path("reportedAt").asText());
        return node;
      }
    } catch (JsonProcessingException | RuntimeException e) {
      // reported below
    }
    err.println("status: skipped a message at offset " + r.offset() + " of partition " + r.partition()
        + " that is not a model status report");
    return null;
  }

  private static long seconds(String value) {
    try {
      long n = Long.parseLong(value.trim());
      if (n < 1) {
        throw new IllegalArgumentException("--timeoutSeconds must be at least 1, was " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--timeoutSeconds must be a whole number of seconds, was '" + value + "'");
    }
  }
}

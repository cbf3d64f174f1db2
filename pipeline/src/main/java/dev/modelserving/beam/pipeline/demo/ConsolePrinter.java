package dev.modelserving.beam.pipeline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the output and dead-letter topics and prints one line per record, so a newcomer sees which
 * model scored each record and sees each swap happen.
 */
final class ConsolePrinter implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaConsumer<String, String> consumer;
  private final String outputTopic;
  private final PrintStream out;
  private final AtomicLong scored = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean running = true;

  ConsolePrinter(String bootstrapServers, String outputTopic, String deadLetterTopic, PrintStream out) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-console");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    this.consumer.subscribe(List.of(outputTopic, deadLetterTopic));
    this.outputTopic = outputTopic;
    this.out = out;
  }

  @Override
  public void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          print(r.topic().equals(outputTopic), r.value());
        }
      }
    } finally {
      consumer.close();
    }
  }

  void stop() {
    running = false;
  }

  long scored() {
    return scored.get();
  }

  long failed() {
    return failed.get();
  }

  private void print(boolean isScored, String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (Exception e) {
      out.println("?? " + json);
      return;
    }
    if (isScored) {
      scored.incrementAndGet();
      JsonNode model = n.path("model");
      out.printf("scored   %-10s %-34s by %-16s v%-3s %-24s uuid=%s  %.0f µs%n",
          n.path("id").asText(), result(n.path("result")), model.path("name").asText(),
          model.path("version").asText(), "[" + model.path("format").asText() + "]",
          model.path("uuid").asText(), n.path("latencyMicros").asDouble());
    } else {
      failed.incrementAndGet();
      String what = n.path("kind").asText();
      out.printf("%-8s [%s] %s%n         payload: %s%n", what.equals("rejected-model") ? "REJECTED" : what.toUpperCase(),
          n.path("stage").asText(), n.path("reason").asText(),
          what.equals("rejected-model") ? n.path("model").toString() : n.path("payload").asText());
    }
  }

  private static String result(JsonNode r) {
    StringBuilder s = new StringBuilder();
    if (r.has("value")) {
      s.append(String.format("quality=%.2f", r.path("value").asDouble()));
    }
    if (r.has("label")) {
      s.append(s.length() > 0 ? " " : "").append("class=").append(r.path("label").asText());
    }
    if (r.has("probabilities") && r.has("label")) {
      s.append(String.format(" (p=%.2f)", r.path("probabilities").path(r.path("label").asText()).asDouble()));
    }
    return s.toString();
  }

}

package dev.modelserving.beam.pipeline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.pipeline.ServingOptions;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the output, review, comparison and dead-letter topics and prints one line per record (every
 * n-th scored one), so a newcomer sees which model scored each record, why, and each swap happen.
 * It also feeds a {@link DecisionTally} (printed under a serving policy) and an {@link
 * AccuracyTally} (printed by the training demo, which counts unserved records instead of printing
 * each).
 */
final class ConsolePrinter implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaConsumer<String, String> consumer;
  private final String outputTopic;
  private final String reviewTopic;
  private final String comparisonTopic;
  private final PrintStream out;
  private final int printEvery;
  private final DecisionTally tally;
  private final AccuracyTally accuracy;
  private final boolean printUnserved;
  private final AtomicLong scored = new AtomicLong();
  private final AtomicLong review = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong unserved = new AtomicLong();
  private final AtomicLong comparisons = new AtomicLong();
  private volatile boolean running = true;

  /**
   * @param clients the user's Kafka client settings, over the printer's defaults
   * @param printEvery print every n-th scored, review and comparison record (failures always)
   * @param tally where the traces are counted
   * @param accuracy where the scored and unserved records are counted
   * @param printUnserved false to count the unserved records without printing each
   */
  ConsolePrinter(String bootstrapServers, KafkaClientConfig clients, ServingOptions topics, PrintStream out,
      int printEvery, DecisionTally tally, AccuracyTally accuracy, boolean printUnserved) {
    Map<String, Object> config = clients.consumerConfig(bootstrapServers,
        Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        Map.of(ConsumerConfig.GROUP_ID_CONFIG, "demo-console"));
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    this.consumer.subscribe(new ArrayList<>(new LinkedHashSet<>(List.of(topics.getOutputTopic(),
        topics.getDeadLetterTopic(), topics.getReviewTopic(), topics.getComparisonTopic()))));
    this.outputTopic = topics.getOutputTopic();
    this.reviewTopic = topics.getReviewTopic();
    this.comparisonTopic = topics.getComparisonTopic();
    this.out = out;
    this.printEvery = Math.max(1, printEvery);
    this.tally = tally;
    this.accuracy = accuracy;
    this.printUnserved = printUnserved;
  }

  @Override
  public void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          print(r.topic(), r.value());
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

  long review() {
    return review.get();
  }

  long failed() {
    return failed.get();
  }

  /** Of {@link #failed()}: the records that were unserved (no model yet). */
  long unserved() {
    return unserved.get();
  }

  long comparisons() {
    return comparisons.get();
  }

  private void print(String topic, String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (Exception e) {
      out.println("?? " + json);
      return;
    }
    if (topic.equals(outputTopic) || topic.equals(reviewTopic)) {
      boolean isReview = "review".equals(n.path("kind").asText());
      long count = (isReview ? review : scored).incrementAndGet();
      tally.add(n);
      if (!isReview) {
        accuracy.add(n);
      }
      if (count % printEvery == 0) {
        JsonNode model = n.path("model");
        out.printf("%-8s %-10s %-34s by %-16s v%-3s %-24s uuid=%s  %.0f µs%s%n", isReview ? "review" : "scored",
            n.path("id").asText(), result(n.path("result")), model.path("name").asText(),
            model.path("version").asText(), "[" + model.path("format").asText() + "]",
            model.path("uuid").asText(), n.path("latencyMicros").asDouble(), trace(n));
      }
    } else if (topic.equals(comparisonTopic)) {
      tally.addComparison(n);
      if (comparisons.incrementAndGet() % printEvery == 0) {
        JsonNode shadow = n.path("shadow");
        out.printf("shadow   %-10s %-34s by %-16s %s the result of %s%n", n.path("id").asText(),
            result(shadow.path("answer")), shadow.path("name").asText(),
            n.path("agree").asBoolean() ? "agrees with" : "DIFFERS from", n.path("primary").path("name").asText());
      }
    } else {
      failed.incrementAndGet();
      String what = n.path("kind").asText();
      if (what.equals("unserved")) {
        unserved.incrementAndGet();
        accuracy.addUnserved();
        if (!printUnserved) {
          return;
        }
      }
      out.printf("%-8s [%s] %s%n         payload: %s%n", what.equals("rejected-model") ? "REJECTED" : what.toUpperCase(),
          n.path("stage").asText(), n.path("reason").asText(),
          what.equals("rejected-model") ? n.path("model").toString() : n.path("payload").asText());
    }
  }

  /**
   * The decision and every consulted model's outcome, e.g. {@code speculative/fast: wine-forest
   * timed out, wine-linear 85 µs}; nothing for a record the current model scored alone.
   */
  static String trace(JsonNode record) {
    JsonNode models = record.path("trace").path("models");
    String decision = record.path("decision").asText();
    if (models.size() <= 1 && decision.equals("current")) {
      return "";
    }
    StringBuilder s = new StringBuilder("  ").append(decision).append(':');
    String sep = " ";
    for (JsonNode m : models) {
      s.append(sep).append(m.path("name").asText());
      if ("shadow".equals(m.path("role").asText())) {
        s.append(" (shadow)");
      }
      switch (m.path("status").asText()) {
        case "ANSWERED":
          s.append(String.format(" %.0f µs", m.path("latencyMicros").asDouble()));
          break;
        case "TIMED_OUT":
          s.append(" timed out");
          break;
        case "SKIPPED":
          s.append(" skipped");
          break;
        default:
          s.append(" failed");
      }
      sep = ", ";
    }
    return s.toString();
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

package dev.modelserving.beam.pipeline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts, per interval, what the decision traces of the scored and review records say: per model
 * how often it won, answered but lost, timed out, was skipped or failed, and how long its answers
 * took; and per shadow model how often it agreed. Printed and reset at the end of each interval.
 * Thread-safe: the console thread adds, the demo's timer prints.
 */
final class DecisionTally {
  private final Map<String, ModelTally> byModel = new TreeMap<>();
  private final Map<String, long[]> decisions = new TreeMap<>();
  private long records;
  private long intervalStartNanos = System.nanoTime();

  /** One model's counts in the interval. */
  private static final class ModelTally {
    long won;
    long lost;
    long timedOut;
    long skipped;
    long failed;
    long answered;
    double answeredMicros;
    long shadowAgreed;
    long shadowDisagreed;
  }

  /** Adds a scored or review record's trace. */
  synchronized void add(JsonNode record) {
    records++;
    decisions.computeIfAbsent(record.path("decision").asText(), d -> new long[1])[0]++;
    JsonNode trace = record.path("trace");
    String winner = trace.path("winner").asText(null);
    for (JsonNode m : trace.path("models")) {
      if ("shadow".equals(m.path("role").asText())) {
        continue; // counted by its comparison
      }
      String name = m.path("name").asText();
      ModelTally t = model(name + " v" + m.path("version").asText());
      switch (m.path("status").asText()) {
        case "ANSWERED":
          if (name.equals(winner)) {
            t.won++;
          } else {
            t.lost++;
          }
          t.answered++;
          t.answeredMicros += m.path("latencyMicros").asDouble();
          break;
        case "TIMED_OUT":
          t.timedOut++;
          break;
        case "SKIPPED":
          t.skipped++;
          break;
        default:
          t.failed++;
      }
    }
  }

  /** Adds a shadow comparison. */
  synchronized void addComparison(JsonNode comparison) {
    JsonNode shadow = comparison.path("shadow");
    ModelTally t = model(shadow.path("name").asText() + " v" + shadow.path("version").asText());
    if (comparison.path("agree").asBoolean()) {
      t.shadowAgreed++;
    } else {
      t.shadowDisagreed++;
    }
  }

  /** Prints the interval's counts (if any record arrived) and starts a new interval. */
  synchronized void printAndReset(PrintStream out) {
    long seconds = Math.round((System.nanoTime() - intervalStartNanos) / 1e9);
    intervalStartNanos = System.nanoTime();
    if (records == 0 && byModel.isEmpty()) {
      out.printf("%n--- last %d s: no record scored yet%n%n", seconds);
      return;
    }
    StringBuilder d = new StringBuilder();
    decisions.forEach((decision, n) -> d.append(d.length() == 0 ? "" : ", ").append(decision).append(' ').append(n[0]));
    out.printf("%n--- last %d s: %d records (%s)%n", seconds, records, d);
    out.printf("    %-22s %7s %7s %6s %10s %8s %7s %14s%n",
        "model", "won", "share", "lost", "timed out", "skipped", "failed", "answer (mean)");
    byModel.forEach((model, t) -> {
      if (t.shadowAgreed + t.shadowDisagreed > 0) {
        out.printf("    %-22s shadow: agreed %d, disagreed %d%n", model, t.shadowAgreed, t.shadowDisagreed);
      }
      if (t.won + t.lost + t.timedOut + t.skipped + t.failed > 0) {
        out.printf("    %-22s %7d %6.1f%% %6d %10d %8d %7d %14s%n", model, t.won,
            records == 0 ? 0.0 : 100.0 * t.won / records, t.lost, t.timedOut, t.skipped, t.failed,
            t.answered == 0 ? "-" : String.format("%.0f µs", t.answeredMicros / t.answered));
      }
    });
    out.println();
    byModel.clear();
    decisions.clear();
    records = 0;
  }

  private ModelTally model(String key) {
    return byModel.computeIfAbsent(key, k -> new ModelTally());
  }
}

package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelserving.beam.pipeline.MalformedRecords.Sample;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each class of the {@link MalformedRecords} corpus must become, and the check that every record
 * of a run is accounted for: scored, dead-lettered or unserved, each as its class says, with the
 * class's reason, and nothing else (in = scored + dead-lettered + unserved, exactly).
 */
final class CorpusAccounting {
  enum Outcome { SCORED, DEAD_LETTER, UNSERVED }

  /** A class's outcome: for records not scored, the stage and a fragment its reason must contain. */
  static final class Expected {
    final Outcome outcome;
    final String stage;
    final String fragment;

    Expected(Outcome outcome, String stage, String fragment) {
      this.outcome = outcome;
      this.stage = stage;
      this.fragment = fragment;
    }
  }

  private static Expected scored() {
    return new Expected(Outcome.SCORED, null, null);
  }

  private static Expected dead(String stage, String fragment) {
    return new Expected(Outcome.DEAD_LETTER, stage, fragment);
  }

  /**
   * What a record of class {@code cls} becomes with the linear wine model (wine-linear.pmml), in CSV
   * or JSON, in file mode (--defaultDataType=wine, every data type accepted: another is unserved) or
   * on Kafka (no default data type, --dataTypes=wine: another is dead-lettered at ROUTE).
   *
   * <p>Scored on purpose: good records; duplicated ids (an id names a record in the outputs, it is
   * not a key the pipeline deduplicates on: both records are answered, each under the id); JSON
   * fields the model does not read (matched by name, the rest ignored); and in file mode a record
   * without a data type, which is of the run's --defaultDataType.
   */
  static Expected expected(String cls, boolean csv, boolean kafka) {
    switch (cls) {
      case "good":
      case "duplicated-id":
      case "extra-fields":
        return scored();
      case "empty":
      case "whitespace":
        return dead("PARSE", "empty record");
      case "truncated":
      case "garbage":
      case "too-many-columns":
        return csv ? dead("PARSE", "expected 15 CSV values") : dead("PARSE", "not valid JSON");
      case "control-bytes":
        return csv ? dead("SCORE", "must be numeric") : dead("PARSE", "not valid JSON");
      case "non-utf8":
        return dead("PARSE", "not valid UTF-8");
      case "unbalanced-quotes":
        return csv ? dead("PARSE", "unterminated quote") : dead("PARSE", "not valid JSON");
      case "nan":
      case "infinity":
      case "overflow":
        return dead("PARSE", "is not a finite number");
      case "text-in-numeric":
      case "very-long-field":
      case "wrong-type":
        return dead("SCORE", "must be numeric");
      case "missing-value":
        return dead("SCORE", "missing field(s)");
      case "unknown-data-type":
        return kafka ? dead("ROUTE", "unknown data type 'beer-")
            : new Expected(Outcome.UNSERVED, "UNSERVED", "no model serves data type 'beer-");
      case "missing-data-type":
        return kafka ? dead("ROUTE", "the record has no data type") : scored();
      case "unknown-category":
        return dead("SCORE", "a category the model does not know");
      case "invalid-json":
        return dead("PARSE", "not valid JSON");
      case "not-an-object":
        return dead("PARSE", "a JSON record must be an object");
      case "nested-object":
        return dead("PARSE", "must be a number, string or null");
      case "duplicated-key":
        return dead("PARSE", "Duplicate field");
      default:
        throw new IllegalArgumentException("no expectation for class " + cls);
    }
  }

  /** The tally of one run, by outcome and class. */
  static final class Tally {
    final Map<String, Map<Outcome, Integer>> byClass = new TreeMap<>();
    int scored;
    int deadLettered;
    int unserved;

    @Override
    public String toString() {
      return "scored " + scored + ", dead-lettered " + deadLettered + ", unserved " + unserved + "; " + byClass;
    }
  }

  /**
   * Checks the outputs of a run over {@code corpus}: every scored record, dead letter and unserved
   * record traced to a corpus record of a class that expects it (by id for scored records, by payload
   * for the others), with the class's stage and reason fragment and the broken field named, and every
   * corpus record found once.
   */
  static Tally check(List<Sample> corpus, List<JsonNode> scored, List<JsonNode> failures, boolean csv, boolean kafka) {
    Map<String, Deque<Sample>> byPayload = new HashMap<>();
    Map<String, Deque<Sample>> scoredById = new HashMap<>();
    for (Sample s : corpus) {
      if (expected(s.cls, csv, kafka).outcome == Outcome.SCORED) {
        assertNotNull(s.id, s.toString());
        scoredById.computeIfAbsent(s.id, k -> new ArrayDeque<>()).add(s);
      } else {
        byPayload.computeIfAbsent(s.text(), k -> new ArrayDeque<>()).add(s);
      }
    }
    Tally tally = new Tally();
    for (JsonNode n : scored) {
      Deque<Sample> waiting = scoredById.get(n.path("id").asText());
      assertTrue(waiting != null && !waiting.isEmpty(), "a scored record no class expects scored: " + n);
      Sample s = waiting.poll();
      assertTrue(n.path("result").path("value").isNumber(), s + " -> " + n);
      count(tally, s, Outcome.SCORED);
      tally.scored++;
    }
    for (JsonNode f : failures) {
      String kind = f.path("kind").asText();
      assertTrue(kind.equals("dead-letter") || kind.equals("unserved"), "not a record's failure: " + f);
      Deque<Sample> waiting = byPayload.get(f.path("payload").asText());
      assertTrue(waiting != null && !waiting.isEmpty(), "a failure no class expects: " + shortened(f));
      Sample s = waiting.poll();
      Expected e = expected(s.cls, csv, kafka);
      Outcome outcome = kind.equals("unserved") ? Outcome.UNSERVED : Outcome.DEAD_LETTER;
      assertEquals(e.outcome, outcome, s + " -> " + shortened(f));
      assertEquals(e.stage, f.path("stage").asText(), s + " -> " + shortened(f));
      String reason = f.path("reason").asText();
      assertThat(s.toString(), reason, containsString(e.fragment));
      if (s.field != null) {
        assertThat(s.toString(), reason, containsString(s.field));
      }
      count(tally, s, outcome);
      if (outcome == Outcome.UNSERVED) {
        tally.unserved++;
      } else {
        tally.deadLettered++;
      }
    }
    scoredById.forEach((id, left) -> assertTrue(left.isEmpty(), "not scored: " + left));
    byPayload.forEach((payload, left) -> assertTrue(left.isEmpty(), "not dead-lettered: " + left));
    assertEquals(corpus.size(), tally.scored + tally.deadLettered + tally.unserved, "in = scored + dead + unserved");
    for (String cls : MalformedRecords.classes(csv)) {
      Map<Outcome, Integer> got = tally.byClass.get(cls);
      long n = corpus.stream().filter(s -> s.cls.equals(cls)).count();
      assertNotNull(got, cls);
      assertEquals(Map.of(expected(cls, csv, kafka).outcome, (int) n), got, cls);
    }
    return tally;
  }

  private static void count(Tally tally, Sample s, Outcome outcome) {
    tally.byClass.computeIfAbsent(s.cls, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
  }

  private static String shortened(JsonNode n) {
    String s = n.toString();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}

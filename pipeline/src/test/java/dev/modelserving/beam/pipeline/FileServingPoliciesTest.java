package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File mode under serving policies, end to end on the DirectRunner: several model files make one
 * set; the scored file carries each record's decision trace, review and shadow comparisons go to
 * their own files beside it, and records in = scored + review + dead letters + unserved.
 */
class FileServingPoliciesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir"));
  private static final int ROWS = 60;

  @TempDir static Path models;
  private static String tree;
  private static String smallForest;
  private static String forest;

  @TempDir Path dir;

  /** Two small random forests beside the committed tree: three classifiers of the same classes. */
  @BeforeAll
  static void growForests() throws IOException {
    tree = TESTDATA.resolve("models/wine-tree.pmml").toString();
    smallForest = WineForestTrainer.train(TESTDATA.resolve("wine.csv"), models, 7, WineForestTrainer.Params.of(3, 3))
        .toString();
    forest = WineForestTrainer.train(TESTDATA.resolve("wine.csv"), models, 42, WineForestTrainer.Params.of(9, 6))
        .toString();
  }

  @Test
  void consensusVotesAmongTheModelFilesAndTracesEveryVote() throws Exception {
    Run run = serve("--policy=consensus", "--modelFiles=" + tree + "," + smallForest + "," + forest);

    assertThat(run.scored, hasSize(ROWS));
    assertThat(run.review, hasSize(0));
    List<String> consulted = List.of("wine-tree", "wine-forest-3x3", "wine-forest-9x6");
    for (JsonNode n : run.scored) {
      JsonNode trace = n.path("trace");
      assertEquals("consensus", trace.path("policy").asText());
      List<String> labels = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (JsonNode m : trace.path("models")) {
        assertEquals("ANSWERED", m.path("status").asText(), n.toString());
        names.add(m.path("name").asText());
        labels.add(m.path("answer").path("label").asText());
      }
      assertEquals(consulted, names); // the order of --modelFiles
      String label = n.path("result").path("label").asText();
      long votes = labels.stream().filter(label::equals).count();
      String rule = votes >= 2 ? "consensus/majority" : "consensus/tie-break";
      assertEquals(rule, n.path("decision").asText(), n.toString());
      assertTrue(labels.stream().noneMatch(l -> labels.stream().filter(l::equals).count() > votes), n.toString());
      // the record carries the first model that voted for the label
      assertEquals(names.get(labels.indexOf(label)), trace.path("winner").asText());
      assertEquals(trace.path("winner").asText(), n.path("model").path("name").asText());
    }
    assertBalanced(run, ROWS);
    for (String model : consulted) {
      assertEquals(ROWS, (long) run.counters.get("wine/" + model + "@file/scored"), model);
    }
    long won = consulted.stream().mapToLong(m -> run.counters.getOrDefault("wine/" + m + "@file/won", 0L)).sum();
    assertEquals(ROWS, won);
  }

  @Test
  void bestConfidenceSendsTheRecordsNoModelIsSureEnoughOfToReview() throws Exception {
    Run run = serve("--policy=best-confidence", "--minConfidence=0.65", "--modelFiles=" + tree + "," + forest);

    assertEquals(ROWS, run.scored.size() + run.review.size());
    assertFalse(run.scored.isEmpty());
    assertFalse(run.review.isEmpty());
    for (JsonNode n : run.scored) {
      assertFalse(n.has("kind"));
      assertEquals("best-confidence/highest-confidence", n.path("decision").asText());
      assertTrue(confidence(n) >= 0.65, n.toString());
      assertEquals(bestOf(n.path("trace")), confidence(n), 0.0);
    }
    for (JsonNode n : run.review) {
      assertEquals("review", n.path("kind").asText());
      assertEquals("best-confidence/below-threshold", n.path("decision").asText());
      assertTrue(confidence(n) < 0.65, n.toString());
      assertEquals(2, n.path("trace").path("models").size());
      assertTrue(n.path("trace").path("reason").asText().contains("below the minimum 0.65"), n.toString());
    }
    assertEquals(run.review.size(), ServingReport.sum(run.counters, "review"));
    assertBalanced(run, ROWS);
  }

  @Test
  void aRoutedPolicyWithAShadowComparesEveryRecordWithoutChangingTheResult() throws Exception {
    Run run = serve("--policy=routed", "--routeWeights=wine-tree=1", "--shadowModels=wine-forest-9x6",
        "--modelFiles=" + tree + "," + forest);

    assertThat(run.scored, hasSize(ROWS));
    assertThat(run.comparisons, hasSize(ROWS));
    Map<String, String> labels = new HashMap<>();
    for (JsonNode n : run.scored) {
      assertEquals("wine-tree", n.path("model").path("name").asText());
      assertThat(n.path("decision").asText(), startsWith("routed/"));
      JsonNode models = n.path("trace").path("models");
      assertEquals("shadow", models.get(models.size() - 1).path("role").asText());
      labels.put(n.path("id").asText(), n.path("result").path("label").asText());
    }
    long agreed = 0;
    for (JsonNode c : run.comparisons) {
      assertEquals("shadow-comparison", c.path("kind").asText());
      assertEquals("wine-tree", c.path("primary").path("name").asText());
      assertEquals("wine-forest-9x6", c.path("shadow").path("name").asText());
      boolean same = c.path("primary").path("answer").path("label").asText()
          .equals(c.path("shadow").path("answer").path("label").asText());
      assertEquals(same, c.path("agree").asBoolean(), c.toString());
      assertEquals(labels.get(c.path("id").asText()), c.path("primary").path("answer").path("label").asText());
      agreed += same ? 1 : 0;
    }
    assertEquals(agreed, (long) run.counters.getOrDefault("wine/wine-forest-9x6@file/shadow-agreed", 0L));
    assertEquals(ROWS - agreed, (long) run.counters.getOrDefault("wine/wine-forest-9x6@file/shadow-disagreed", 0L));
    assertBalanced(run, ROWS);
  }

  @Test
  void speculativePrefersTheFirstModelFileThatAnswersInTimeAndFallsBackToTheFastOne() throws Exception {
    Run run = serve("--policy=speculative", "--latencyBudgetMillis=60000", "--fastModel=wine-tree",
        "--modelFiles=" + tree + "," + forest);

    assertThat(run.scored, hasSize(ROWS));
    for (JsonNode n : run.scored) {
      assertEquals("speculative/preferred", n.path("decision").asText(), n.toString());
      assertEquals("wine-forest-9x6", n.path("model").path("name").asText());
      JsonNode models = n.path("trace").path("models");
      assertEquals("wine-forest-9x6", models.get(0).path("name").asText()); // preferred: the file order
      assertEquals("wine-tree", models.get(1).path("name").asText());       // the fast model comes last
      assertEquals("ANSWERED", models.get(1).path("status").asText());
    }
    assertBalanced(run, ROWS);
  }

  @Test
  void theCurrentPolicyTracesItsOneModelAndBadRowsStillBalance() throws Exception {
    List<String> extra = List.of(
        "bad-1,wine,red,7.4,0.7",
        "bad-2,wine,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,lots,5");
    Run run = serve(extra, "--modelFiles=" + tree);

    assertThat(run.scored, hasSize(ROWS));
    for (JsonNode n : run.scored) {
      assertEquals("current", n.path("decision").asText());
      assertEquals("current", n.path("trace").path("policy").asText());
      assertEquals(1, n.path("trace").path("models").size());
      assertEquals("wine-tree", n.path("trace").path("winner").asText());
    }
    assertThat(run.failures, hasSize(2));
    assertThat(run.review, hasSize(0));
    assertThat(run.comparisons, hasSize(0));
    assertBalanced(run, ROWS + 2);
  }

  /** records in = scored + review + dead letters + unserved, in the counters and in the files. */
  private static void assertBalanced(Run run, long in) {
    assertEquals(in, ServingReport.sum(run.counters, "received"));
    long scored = ServingReport.sum(run.counters, "scored");
    long review = ServingReport.sum(run.counters, "review");
    long dead = ServingReport.sum(run.counters, "dead-lettered");
    long unserved = ServingReport.sum(run.counters, "unserved");
    assertEquals(in, scored + review + dead + unserved, run.counters.toString());
    assertEquals(run.scored.size(), scored);
    assertEquals(run.review.size(), review);
    Set<String> ids = new HashSet<>();
    run.scored.forEach(n -> assertThat(ids.add(n.path("id").asText()), equalTo(true)));
    run.review.forEach(n -> assertThat(ids.add(n.path("id").asText()), equalTo(true)));
  }

  private static double confidence(JsonNode record) {
    JsonNode result = record.path("result");
    return result.path("probabilities").path(result.path("label").asText()).asDouble();
  }

  private static double bestOf(JsonNode trace) {
    double best = 0;
    for (JsonNode m : trace.path("models")) {
      JsonNode a = m.path("answer");
      best = Math.max(best, a.path("probabilities").path(a.path("label").asText()).asDouble());
    }
    return best;
  }

  private Run serve(String... options) throws Exception {
    return serve(List.of(), options);
  }

  private Run serve(List<String> extraRows, String... options) throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(TESTDATA.resolve("wine.csv"), StandardCharsets.UTF_8)
        .subList(0, ROWS + 1));
    lines.addAll(extraRows);
    Path input = Files.write(dir.resolve("wines.csv"), lines, StandardCharsets.UTF_8);
    List<String> args = new ArrayList<>(List.of(
        "--inputFile=" + input,
        "--outputFile=" + dir.resolve("scored.jsonl"),
        "--deadLetterFile=" + dir.resolve("failures.jsonl"),
        "--dataTypes=wine"));
    args.addAll(List.of(options));
    ServingOptions o = ServingMain.parse(args.toArray(new String[0]));
    PipelineResult result = ServingMain.awaitEnd(ServingMain.build(o).run(), 0);
    assertEquals(PipelineResult.State.DONE, result.getState());
    return new Run(read("scored.jsonl"), read(FileServing.REVIEW_FILE), read(FileServing.COMPARISON_FILE),
        read("failures.jsonl"), ServingReport.counters(result));
  }

  private List<JsonNode> read(String name) {
    try {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8)) {
        nodes.add(JSON.readTree(line));
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Run {
    final List<JsonNode> scored;
    final List<JsonNode> review;
    final List<JsonNode> comparisons;
    final List<JsonNode> failures;
    final Map<String, Long> counters;

    Run(List<JsonNode> scored, List<JsonNode> review, List<JsonNode> comparisons, List<JsonNode> failures,
        Map<String, Long> counters) {
      this.scored = scored;
      this.review = review;
      this.comparisons = comparisons;
      this.failures = failures;
      this.counters = counters;
    }
  }
}

package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** File mode end to end on the DirectRunner: CSV or JSON lines in, JSON lines out, with real models. */
class FileServingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir"));
  private static final int ROWS = 40;

  @TempDir Path dir;

  @Test
  void scoresACsvFileWithAPmmlTreeAndDeadLettersTheBadRows() throws Exception {
    List<String> lines = new ArrayList<>(wineLines(ROWS + 1)); // header + rows
    lines.add("bad-1,wine,red,7.4,0.7");                                              // too few columns
    lines.add("bad-2,wine,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,lots,5");   // text for a number
    lines.add("bad-3,beer,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,9.4,5");    // unknown data type
    Path input = write("wines.csv", lines);

    Run run = serve(input, "--modelFiles=" + TESTDATA.resolve("models/wine-tree.pmml"));

    assertThat(run.scored, hasSize(ROWS));
    for (JsonNode n : run.scored) {
      assertThat(n.path("model").path("name").asText(), equalTo("wine-tree"));
      assertThat(n.path("model").path("format").asText(), equalTo("pmml"));
      assertThat(n.path("model").path("uuid").asText().isEmpty(), equalTo(false));
      JsonNode p = n.path("result").path("probabilities");
      double sum = p.path("low").asDouble() + p.path("medium").asDouble() + p.path("high").asDouble();
      assertEquals(1.0, sum, 1e-9);
      assertThat(fieldNames(p), equalTo(List.of("low", "medium", "high"))); // the model's class order
      String argmax = fieldNames(p).stream().max(java.util.Comparator.comparingDouble(c -> p.path(c).asDouble())).get();
      assertThat(n.path("result").path("label").asText(), equalTo(argmax));
      assertTrue(n.path("id").asText().startsWith("w-"));
    }
    Map<String, List<String>> reasons = byStage(run.failures);
    assertThat(reasons.get("PARSE").get(0), containsString("expected 15 CSV values"));
    assertThat(reasons.get("SCORE").get(0), containsString("alcohol"));
    assertThat(reasons.get("ROUTE").get(0), containsString("unknown data type 'beer'"));
    assertEquals(3, run.failures.size());
    assertEquals(ROWS + 3, ServingReport.sum(run.counters, "received"));
    assertEquals(ROWS, ServingReport.sum(run.counters, "scored"));
    assertEquals(3, ServingReport.sum(run.counters, "dead-lettered"));
  }

  /**
   * The status file beside the output: the report of the model's arrival, and the final one when
   * the input ends, with every record the model scored and failed on, and its call latencies; the
   * per-model counters agree.
   */
  @Test
  void writesTheModelStatusAndPerModelCountersOfTheRun() throws Exception {
    List<String> lines = new ArrayList<>(wineLines(ROWS + 1));
    lines.add("bad-2,wine,red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,lots,5"); // the model fails on it
    Run run = serve(write("wines.csv", lines), "--modelFiles=" + TESTDATA.resolve("models/wine-tree.pmml"));

    List<JsonNode> reports = readJson(dir.resolve("model-status.jsonl"));
    reports.sort(java.util.Comparator.comparingLong(r -> r.path("sequence").asLong()));
    assertEquals(List.of("change", "input-ended"),
        reports.stream().map(r -> r.path("trigger").asText()).collect(Collectors.toList()));
    JsonNode last = reports.get(1);
    assertEquals("wine", last.path("dataType").asText());
    assertEquals("added", last.path("lastChange").path("kind").asText());
    JsonNode model = last.path("models").get(0);
    assertEquals(1, last.path("models").size());
    assertEquals("wine-tree", model.path("name").asText());
    assertEquals("current", model.path("role").asText());
    assertEquals(ROWS, model.path("scored").asLong());
    assertEquals(1, model.path("failed").asLong());
    JsonNode latency = model.path("latencyMicros");
    assertTrue(latency.path("min").asDouble() <= latency.path("mean").asDouble()
        && latency.path("mean").asDouble() <= latency.path("max").asDouble(), latency.toString());
    assertTrue(java.time.Instant.parse(model.path("loadedAt").asText())
        .compareTo(java.time.Instant.parse(last.path("reportedAt").asText())) <= 0);

    assertEquals(ROWS, run.counters.get("wine/wine-tree@file/scored"));
    assertEquals(1, run.counters.get("wine/wine-tree@file/dead-lettered"));
    assertEquals(1, run.counters.get("wine/wine-tree@file/loads"));
    assertEquals(1, run.counters.get("wine/wine-tree@file/swaps"));
  }

  @Test
  void scoresJsonLinesMatchingFieldsByName() throws Exception {
    List<String> csv = wineLines(ROWS + 1);
    List<String> header = List.of(csv.get(0).split(","));
    List<String> json = new ArrayList<>();
    for (String row : csv.subList(1, csv.size())) {
      String[] v = row.split(",");
      Map<String, Object> record = new java.util.LinkedHashMap<>();
      for (int i = header.size() - 1; i >= 0; i--) { // reversed field order: matched by name
        record.put(header.get(i), i < 3 ? v[i] : (Object) Double.parseDouble(v[i]));
      }
      json.add(JSON.writeValueAsString(record));
    }
    json.add("{\"id\": \"bad-json\", ");
    Path input = write("wines.jsonl", json);

    Run run = serve(input, "--dataFormat=json", "--modelFiles=" + TESTDATA.resolve("models/wine-linear.pmml"));

    assertThat(run.scored, hasSize(ROWS));
    run.scored.forEach(n -> assertTrue(n.path("result").path("value").isNumber()));
    assertThat(byStage(run.failures).get("PARSE").get(0), containsString("not valid JSON"));
  }

  @Test
  void aModelWhoseInputsDoNotMatchTheRecordsIsRejectedAtLoadAndTheRecordsAreUnserved() throws Exception {
    Path input = write("wines.csv", wineLines(11));

    Run run = serve(input, "--modelFiles=" + TESTDATA.resolve("models/wine-linear.pmml"),
        "--inputMapping=alcohol=alcohol_pct");

    assertThat(run.scored, hasSize(0));
    Map<String, List<String>> reasons = byStage(run.failures);
    assertThat(reasons.get("MODEL"), hasSize(1));
    assertThat(reasons.get("MODEL").get(0), containsString("alcohol_pct"));
    assertThat(reasons.get("UNSERVED"), hasSize(10));
    assertThat(reasons.get("UNSERVED").get(0), containsString("no model serves data type 'wine'"));
    assertEquals(10, ServingReport.sum(run.counters, "unserved"));
  }

  @Test
  void aQuotedHeaderRowIsTheHeaderNotARecord() throws Exception {
    List<String> lines = new ArrayList<>(wineLines(11));
    lines.set(0, java.util.Arrays.stream(lines.get(0).split(",")).map(c -> "\"" + c + "\"")
        .collect(Collectors.joining(", ")));
    Path input = write("wines.csv", lines);

    Run run = serve(input, "--modelFiles=" + TESTDATA.resolve("models/wine-linear.pmml"));

    assertThat(run.scored, hasSize(10));
    assertThat(run.failures, hasSize(0));
    assertEquals(10, ServingReport.sum(run.counters, "received"));
  }

  @Test
  void aSemicolonSeparatedFileIsReadWithItsSeparator() throws Exception {
    List<String> lines = wineLines(11).stream().map(l -> l.replace(',', ';')).collect(Collectors.toList());
    Path input = write("wines.csv", lines);

    Run run = serve(input, "--csvSeparator=;", "--modelFiles=" + TESTDATA.resolve("models/wine-linear.pmml"));

    assertThat(run.scored, hasSize(10));
    assertThat(run.failures, hasSize(0));
  }

  @Test
  void scoresWithATensorFlowSavedModelDirectoryItsZipAndTheFrozenGraphAlike() throws Exception {
    Path input = write("wines.csv", wineLines(ROWS + 1));
    String columns = "--tensorColumns=" + String.join(",", WineSchema.NUMERIC_FEATURES);
    Path zip = dir.resolve("wine-mlp.zip");
    Files.write(zip, dev.modelserving.beam.model.ModelArchives.zipDirectory(TESTDATA.resolve("models/wine-mlp")));

    Map<String, Double> fromDirectory = values(serve(input, "--modelFiles=" + TESTDATA.resolve("models/wine-mlp"), columns));
    Map<String, Double> fromZip = values(serve(input, "--modelFiles=" + zip, columns));
    Map<String, Double> fromFrozenGraph = values(serve(input, "--modelFiles=" + TESTDATA.resolve("models/wine-mlp-frozen.pb"),
        columns, "--tensorInput=features", "--modelOutputs=quality"));

    assertEquals(ROWS, fromDirectory.size());
    assertEquals(fromDirectory, fromZip);
    assertEquals(fromDirectory.keySet(), fromFrozenGraph.keySet());
    fromDirectory.forEach((id, v) -> assertEquals(v, fromFrozenGraph.get(id), 1e-4, id));
  }

  @Test
  void aFrozenGraphWithoutItsTensorNamesIsRejectedSayingWhichOptionIsMissing() throws Exception {
    Path input = write("wines.csv", wineLines(6));

    Run run = serve(input, "--modelFiles=" + TESTDATA.resolve("models/wine-mlp-frozen.pb"),
        "--tensorColumns=" + String.join(",", WineSchema.NUMERIC_FEATURES));

    assertThat(run.scored, hasSize(0));
    assertThat(byStage(run.failures).get("MODEL").get(0), containsString("tensor_input"));
    assertThat(byStage(run.failures).get("UNSERVED"), hasSize(5));
  }

  @Test
  void moreThanOneModelFileIsRefusedBeforeTheRun() throws Exception {
    Path input = write("wines.csv", wineLines(3));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> serve(input, "--modelFiles=" + TESTDATA.resolve("models/wine-tree.pmml") + ","
            + TESTDATA.resolve("models/wine-linear.pmml")));
    assertThat(e.getMessage(), containsString("one model per data type"));
  }

  /**
   * A bounded file run with records many times the hold limit: keyed and broadcast serving score
   * every record, hold none back as unserved, and give the same result with the same model for each.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pmml", "tensorflow"})
  void keyedAndBroadcastModesScoreEveryRecordAlikeWhenTheRecordsAreManyTimesTheHoldLimit(String model)
      throws Exception {
    Path input = TESTDATA.resolve("wine.csv");
    List<String> all = wineLines(-1);
    List<String> rows = all.subList(1, all.size());
    assertThat(rows, hasSize(2000));
    String[] modelOptions = model.equals("pmml")
        ? new String[] {"--modelFiles=" + TESTDATA.resolve("models/wine-tree.pmml")}
        : new String[] {"--modelFiles=" + TESTDATA.resolve("models/wine-mlp"),
            "--tensorColumns=" + String.join(",", WineSchema.NUMERIC_FEATURES)};

    Map<String, JsonNode> keyed = null;
    Map<String, JsonNode> broadcast = null;
    for (String mode : List.of("keyed", "broadcast")) {
      List<String> args = new ArrayList<>(List.of(modelOptions));
      args.addAll(List.of("--servingMode=" + mode, "--maxHeldRecords=10"));
      Run run = serve(input, args.toArray(new String[0]));

      assertTrue(run.hasStep(mode.equals("keyed") ? "ServeWithKeyedModels" : "ServeWithBroadcastModels"), mode);
      assertThat(mode, run.failures, hasSize(0));
      assertThat(mode, run.scored, hasSize(rows.size()));
      assertEquals(rows.size(), ServingReport.sum(run.counters, "received"), mode);
      assertEquals(rows.size(), ServingReport.sum(run.counters, "scored"), mode);
      assertEquals(0, ServingReport.sum(run.counters, "unserved"), mode);
      assertEquals(0, ServingReport.sum(run.counters, "dead-lettered"), mode);
      Map<String, JsonNode> outcomes = outcomesById(run.scored);
      assertEquals(rows.stream().map(r -> r.substring(0, r.indexOf(','))).collect(Collectors.toSet()),
          outcomes.keySet(), mode);
      if (mode.equals("keyed")) {
        keyed = outcomes;
      } else {
        broadcast = outcomes;
      }
    }
    assertEquals(keyed, broadcast);
  }

  /** Per record id: the result, the model (name, version, uuid, format) and the decision. */
  private static Map<String, JsonNode> outcomesById(List<JsonNode> scored) {
    Map<String, JsonNode> outcomes = new TreeMap<>();
    for (JsonNode n : scored) {
      com.fasterxml.jackson.databind.node.ObjectNode outcome = JSON.createObjectNode();
      outcome.set("result", n.path("result"));
      outcome.set("model", n.path("model"));
      outcome.set("decision", n.path("decision"));
      assertTrue(outcome.path("result").size() > 0, n.toString());
      assertEquals(4, outcome.path("model").size(), n.toString());
      assertThat(outcomes.put(n.path("id").asText(), outcome), equalTo(null)); // each record once
    }
    return outcomes;
  }

  @Test
  void scoredJsonHasTheModelsNamedOutputsInResultFieldsAndTheBatchSize() throws Exception {
    Path input = write("wines.csv", wineLines(ROWS + 1));
    Path tree = treeWithOutputFields();

    Run run = serve(input, "--modelFiles=" + tree, "--maxBatchSize=7");

    assertThat(run.scored, hasSize(ROWS));
    Map<String, List<JsonNode>> byModelCall = new java.util.HashMap<>();
    for (JsonNode n : run.scored) {
      JsonNode result = n.path("result");
      JsonNode fields = result.path("fields");
      assertThat(fieldNames(fields), equalTo(List.of(
          "quality_class", "predicted_class", "probability_low", "probability_medium", "probability_high")));
      String label = result.path("label").asText();
      assertFalse(label.isEmpty());
      assertEquals(label, fields.path("quality_class").asText()); // the target
      assertEquals(label, fields.path("predicted_class").asText());
      for (String c : List.of("low", "medium", "high")) {
        assertTrue(fields.path("probability_" + c).isNumber());
        assertEquals(result.path("probabilities").path(c).asDouble(),
            fields.path("probability_" + c).asDouble(), 1e-12);
      }
      JsonNode batchSize = n.path("batchSize");
      assertTrue(batchSize.isInt(), n.toString());
      assertTrue(batchSize.asInt() >= 1 && batchSize.asInt() <= 7, n.toString());
      byModelCall.computeIfAbsent(n.path("servedAt").asText() + "/" + n.path("latencyMicros").asText(),
          k -> new ArrayList<>()).add(n);
    }
    // The records of one model call share its time and latency, and each tells how many they were.
    byModelCall.forEach((call, records) -> records.forEach(
        r -> assertEquals(records.size(), r.path("batchSize").asInt(), call)));
  }

  @Test
  void aRegressionHasAValueAndItsTargetFieldButNoLabel() throws Exception {
    Path input = write("wines.csv", wineLines(ROWS + 1));

    Run run = serve(input, "--modelFiles=" + TESTDATA.resolve("models/wine-linear.pmml"));

    assertThat(run.scored, hasSize(ROWS));
    for (JsonNode n : run.scored) {
      JsonNode result = n.path("result");
      assertTrue(result.path("value").isNumber(), n.toString());
      assertFalse(result.has("label"), n.toString());
      assertFalse(result.has("probabilities"), n.toString());
      assertThat(fieldNames(result.path("fields")), equalTo(List.of("quality")));
      assertEquals(result.path("value").asDouble(), result.path("fields").path("quality").asDouble(), 0.0);
      assertTrue(n.path("batchSize").asInt() >= 1, n.toString());
    }
  }

  /** The demo tree with PMML Output fields: its predicted class and a probability per class. */
  private Path treeWithOutputFields() throws IOException {
    String pmml = Files.readString(TESTDATA.resolve("models/wine-tree.pmml"), StandardCharsets.UTF_8);
    StringBuilder output = new StringBuilder("\t\t<Output>\n\t\t\t<OutputField name=\"predicted_class\""
        + " optype=\"categorical\" dataType=\"string\" feature=\"predictedValue\"/>\n");
    for (String c : List.of("low", "medium", "high")) {
      output.append("\t\t\t<OutputField name=\"probability_").append(c).append("\" optype=\"continuous\"")
          .append(" dataType=\"double\" feature=\"probability\" value=\"").append(c).append("\"/>\n");
    }
    output.append("\t\t</Output>");
    int end = pmml.indexOf("</MiningSchema>") + "</MiningSchema>".length();
    assertTrue(end > "</MiningSchema>".length());
    return Files.writeString(dir.resolve("wine-tree-outputs.pmml"),
        pmml.substring(0, end) + "\n" + output + pmml.substring(end), StandardCharsets.UTF_8);
  }

  private static Map<String, Double> values(Run run) {
    assertThat(run.failures, hasSize(0));
    return run.scored.stream().collect(Collectors.toMap(
        n -> n.path("id").asText(), n -> n.path("result").path("value").asDouble()));
  }

  private Run serve(Path input, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--inputFile=" + input,
        "--outputFile=" + dir.resolve("scored.jsonl"),
        "--deadLetterFile=" + dir.resolve("failures.jsonl"),
        "--dataTypes=wine"));
    args.addAll(List.of(extra));
    ServingOptions options = ServingMain.parse(args.toArray(new String[0]));
    Pipeline pipeline = ServingMain.build(options);
    Set<String> steps = stepNames(pipeline);
    PipelineResult result = ServingMain.awaitEnd(pipeline.run(), options.getDurationSeconds());
    assertEquals(PipelineResult.State.DONE, result.getState());
    return new Run(readJson(dir.resolve("scored.jsonl")), readJson(dir.resolve("failures.jsonl")),
        ServingReport.counters(result), steps);
  }

  /** The full names of the pipeline's transforms. */
  private static Set<String> stepNames(Pipeline pipeline) {
    Set<String> names = new java.util.HashSet<>();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
        names.add(node.getFullName());
        return CompositeBehavior.ENTER_TRANSFORM;
      }

      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        names.add(node.getFullName());
      }
    });
    return names;
  }

  private static final class Run {
    final List<JsonNode> scored;
    final List<JsonNode> failures;
    final Map<String, Long> counters;
    final Set<String> steps;

    Run(List<JsonNode> scored, List<JsonNode> failures, Map<String, Long> counters, Set<String> steps) {
      this.scored = scored;
      this.failures = failures;
      this.counters = counters;
      this.steps = steps;
    }

    boolean hasStep(String name) {
      return steps.stream().anyMatch(s -> s.endsWith("/" + name));
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Map<String, List<String>> byStage(List<JsonNode> failures) {
    return failures.stream().collect(Collectors.groupingBy(n -> n.path("stage").asText(),
        Collectors.mapping(n -> n.path("reason").asText(), Collectors.toList())));
  }

  /** The first {@code n} lines of wine.csv, header included; all of them when {@code n} is negative. */
  private static List<String> wineLines(int n) throws IOException {
    List<String> all = Files.readAllLines(TESTDATA.resolve("wine.csv"), StandardCharsets.UTF_8);
    assertThat(all.get(0), equalTo(String.join(",", WineSchema.COLUMNS)));
    return n < 0 ? all : all.subList(0, n);
  }

  private Path write(String name, List<String> lines) throws IOException {
    return Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
  }

  private static List<JsonNode> readJson(Path file) {
    try {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        nodes.add(JSON.readTree(line));
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

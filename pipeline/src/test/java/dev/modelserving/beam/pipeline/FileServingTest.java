package dev.modelserving.beam.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    assertThat(reasons.get("UNSERVED").get(0), containsString("no model for data type 'wine' arrived"));
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
    PipelineResult result = ServingMain.run(ServingMain.parse(args.toArray(new String[0])));
    assertEquals(PipelineResult.State.DONE, result.getState());
    return new Run(readJson(dir.resolve("scored.jsonl")), readJson(dir.resolve("failures.jsonl")),
        ServingReport.counters(result));
  }

  private static final class Run {
    final List<JsonNode> scored;
    final List<JsonNode> failures;
    final Map<String, Long> counters;

    Run(List<JsonNode> scored, List<JsonNode> failures, Map<String, Long> counters) {
      this.scored = scored;
      this.failures = failures;
      this.counters = counters;
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

  private static List<String> wineLines(int n) throws IOException {
    List<String> all = Files.readAllLines(TESTDATA.resolve("wine.csv"), StandardCharsets.UTF_8);
    assertThat(all.get(0), equalTo(String.join(",", WineSchema.COLUMNS)));
    return all.subList(0, n);
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

package dev.modelserving.beam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/** One file-mode run of the real pipeline on the DirectRunner: its scored records, failures and counters. */
final class FileRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<JsonNode> scored;
  /** Dead letters and unserved records (and rejected models), as written. */
  final List<JsonNode> failures;
  final Map<String, Long> counters;

  private FileRun(List<JsonNode> scored, List<JsonNode> failures, Map<String, Long> counters) {
    this.scored = scored;
    this.failures = failures;
    this.counters = counters;
  }

  /** Serves {@code input} with the options {@code extra}, writing into {@code dir}. */
  static FileRun serve(Path dir, Path input, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--inputFile=" + input,
        "--outputFile=" + dir.resolve("scored.jsonl"),
        "--deadLetterFile=" + dir.resolve("failures.jsonl"),
        "--defaultDataType=wine"));
    args.addAll(List.of(extra));
    ServingOptions options = ServingMain.parse(args.toArray(new String[0]));
    Pipeline pipeline = ServingMain.build(options);
    PipelineResult result = ServingMain.awaitEnd(pipeline.run(), options.getDurationSeconds());
    assertEquals(PipelineResult.State.DONE, result.getState());
    return new FileRun(readJson(dir.resolve("scored.jsonl")), readJson(dir.resolve("failures.jsonl")),
        ServingReport.counters(result));
  }

  /** The failures of {@code stage}. */
  List<JsonNode> stage(String stage) {
    return failures.stream().filter(n -> n.path("stage").asText().equals(stage)).collect(Collectors.toList());
  }

  long counter(String name) {
    return ServingReport.sum(counters, name);
  }

  static List<JsonNode> readJson(Path file) {
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

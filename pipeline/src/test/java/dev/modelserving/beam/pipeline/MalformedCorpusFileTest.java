package dev.modelserving.beam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelserving.beam.pipeline.CorpusAccounting.Tally;
import dev.modelserving.beam.pipeline.MalformedRecords.Sample;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The malformed-record corpus through the real pipeline in file mode: every record is accounted for
 * (in = scored + dead-lettered + unserved, in the outputs and in the counters), each as its class
 * says, with its class's reason.
 */
class MalformedCorpusFileTest {
  static final int PER_CLASS = 12;
  private static final Path TESTDATA = Paths.get(System.getProperty("testdata.dir"));

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"csv", "json"})
  void everyMalformedRecordIsAccountedForWithItsClassReason(String format) throws Exception {
    boolean csv = format.equals("csv");
    List<Sample> corpus = MalformedRecords.corpus(9, csv, PER_CLASS);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    if (csv) {
      file.writeBytes((String.join(",", WineSchema.COLUMNS) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    for (Sample s : corpus) {
      file.writeBytes(s.bytes);
      file.write('\n');
    }
    Path input = Files.write(dir.resolve("corpus." + format), file.toByteArray());

    FileRun run = FileRun.serve(dir, input, "--dataFormat=" + format,
        "--modelFiles=" + TESTDATA.resolve("models/wine-linear.pmml"));

    Tally tally = CorpusAccounting.check(corpus, run.scored, run.failures, csv, false);
    assertEquals(corpus.size(), run.counter("received"));
    assertEquals(tally.scored, run.counter("scored"));
    assertEquals(tally.deadLettered, run.counter("dead-lettered"));
    assertEquals(tally.unserved, run.counter("unserved"));
    assertTrue(tally.unserved > 0 && tally.deadLettered > 0 && tally.scored > 0, tally.toString());
    System.out.printf("malformed corpus, file mode, %s: %d records of %d classes: %s; lost 0%n",
        format, corpus.size(), MalformedRecords.classes(csv).size(), tally);
  }
}

package dev.modelserving.beam.benchmarks.distill;

import dev.modelserving.beam.benchmarks.models.BenchmarkModel;
import dev.modelserving.beam.benchmarks.models.ModelFiles;
import dev.modelserving.beam.benchmarks.raw.JmhSettings;
import dev.modelserving.beam.benchmarks.report.MachineFacts;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.testdata.WineSchema;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import dev.modelserving.beam.training.StudentFidelity;
import dev.modelserving.beam.training.TrainingSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Distils the benchmark's two complex models into fast ones and measures both sides with the same
 * harness: the PMML random forest (the {@code forest} of the benchmarks) into a multinomial logistic
 * regression of its class, and the TensorFlow network ({@code mlp}) into a linear regression of its
 * value, each with {@code DistillModel} on the DirectRunner. Then, on wines neither saw: agreement
 * with the teacher and accuracy against the labels ({@link StudentFidelity}), and the scoring speed of
 * teacher and student through {@link ScorerBenchmark} at batches of 1 and 256 ({@link ScoringSpeed}).
 * Writes {@code distillation.md} into {@code --out}.
 *
 * <p>Usage: {@code benchmarks/run.sh distillation [--quick] [--out=DIR] [--testdata=DIR] [--work=DIR]
 * [--training-records=N] [--verbose]}.
 */
public final class DistillationBenchmark {
  static final String REPORT = "distillation.md";
  static final int[] BATCHES = {1, 256};

  private DistillationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    boolean quick = o.containsKey("quick");
    Path out = Paths.get(o.getOrDefault("out", quick ? "benchmarks/target/distillation-quick" : "docs"));
    Path work = Paths.get(o.getOrDefault("work", "benchmarks/target/work"));
    Path testdata = Paths.get(o.getOrDefault("testdata", "testdata/files"));
    int records = Integer.parseInt(o.getOrDefault("training-records", quick ? "4000" : "12000"));
    JmhSettings jmh = quick ? JmhSettings.QUICK : JmhSettings.FULL;
    long started = System.nanoTime();

    ModelFiles files = new ModelFiles(testdata, work, WineForestTrainer.Params.of(50, 8));
    ModelDescriptor forest = files.descriptor(BenchmarkModel.FOREST);
    ModelDescriptor mlp = files.descriptor(BenchmarkModel.MLP);
    Path dir = Files.createDirectories(work.resolve("distillation"));
    List<String> lines = DistilWines.lines(DistilWines.TRAINING_SEED, records);

    log("distilling %s into a logistic regression on %,d wines ...", forest.getName(), records);
    ModelDescriptor forestStudent = StudentTraining.distil(forest, TrainingSpec.logisticRegression(WineSchema.DATA_TYPE,
        "wine-forest-student", DistilWines.QUALITY_CLASS, WineSchema.NUMERIC_FEATURES, DistilWines.CLASSES), lines, 500,
        dir);
    log("distilling %s into a linear regression on %,d wines ...", mlp.getName(), records);
    ModelDescriptor mlpStudent = StudentTraining.distil(mlp, TrainingSpec.linearRegression(WineSchema.DATA_TYPE,
        "wine-mlp-student", WineSchema.QUALITY, WineSchema.NUMERIC_FEATURES), lines, 500, dir);

    List<Features> test = DistilWines.of(DistilWines.TEST_SEED, ScorerBenchmark.POOL);
    StudentFidelity forestFidelity = StudentFidelity.ofClasses(forest, forestStudent, test, DistilWines.QUALITY_CLASS);
    StudentFidelity mlpFidelity = StudentFidelity.ofValues(mlp, mlpStudent, test, WineSchema.QUALITY);
    log("forest student v%s: agreement %.3f, accuracy %.3f (teacher %.3f)", forestStudent.getVersion(),
        forestFidelity.agreement(), forestFidelity.student(), forestFidelity.teacher());
    log("mlp student v%s: R2 against the teacher %.3f, rmse %.3f (teacher %.3f)", mlpStudent.getVersion(),
        mlpFidelity.agreement(), mlpFidelity.student(), mlpFidelity.teacher());

    Map<String, ModelDescriptor> models = new LinkedHashMap<>();
    models.put("forest", forest);
    models.put("forest student", forestStudent);
    models.put("mlp", mlp);
    models.put("mlp student", mlpStudent);
    Map<String, Map<Integer, ScoringSpeed>> speeds = new LinkedHashMap<>();
    for (Map.Entry<String, ModelDescriptor> m : models.entrySet()) {
      Path file = dir.resolve(m.getKey().replace(' ', '-') + ".descriptor.pb");
      Files.write(file, m.getValue().toByteArray());
      Map<Integer, ScoringSpeed> byBatch = new LinkedHashMap<>();
      for (int batch : BATCHES) {
        log("[jmh] %s, batch %d ...", m.getKey(), batch);
        ScoringSpeed speed = ScoringSpeed.measure(file, batch, jmh, o.containsKey("verbose"));
        log("[jmh] %s, batch %d: %,.0f records/s; one call p50 %.1f us, p99 %.1f us", m.getKey(), batch,
            speed.recordsPerSecond(), speed.p50Micros(), speed.p99Micros());
        byBatch.put(batch, speed);
      }
      speeds.put(m.getKey(), byBatch);
    }

    String command = "benchmarks/run.sh distillation" + (args.length == 0 ? "" : " " + String.join(" ", args));
    String report = DistillationReport.render(command, MachineFacts.current(), jmh, records, o.get("note"),
        List.of(new DistillationReport.Pair("forest", forest, forestStudent, forestFidelity, true),
            new DistillationReport.Pair("mlp", mlp, mlpStudent, mlpFidelity, false)),
        speeds, (System.nanoTime() - started) / 1e9);
    Files.createDirectories(out);
    Files.writeString(out.resolve(REPORT), report, StandardCharsets.UTF_8);
    log("wrote %s", out.resolve(REPORT));
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    List<String> known = List.of("quick", "out", "work", "testdata", "training-records", "verbose", "note");
    for (String a : args) {
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("distillation: unexpected argument '" + a + "'");
      }
      String[] kv = a.substring(2).split("=", 2);
      if (!known.contains(kv[0])) {
        throw new IllegalArgumentException("distillation: unknown option --" + kv[0] + "; options: " + known);
      }
      o.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    return o;
  }

  private static void log(String format, Object... args) {
    System.out.printf("[distillation] " + format + "%n", args);
  }
}

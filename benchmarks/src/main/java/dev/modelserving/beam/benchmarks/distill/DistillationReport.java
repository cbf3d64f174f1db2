package dev.modelserving.beam.benchmarks.distill;

import dev.modelserving.beam.benchmarks.raw.JmhSettings;
import dev.modelserving.beam.benchmarks.report.MachineFacts;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.training.StudentFidelity;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown of {@code distillation.md}: what was distilled, how closely, and how fast each side scores. */
final class DistillationReport {
  /** A teacher, its student and how closely the student follows it; {@code classes} for a classifier pair. */
  record Pair(String id, ModelDescriptor teacher, ModelDescriptor student, StudentFidelity fidelity, boolean classes) {}

  private DistillationReport() {}

  static String render(String command, MachineFacts machine, JmhSettings jmh, int trainingRecords, String note,
      List<Pair> pairs, Map<String, Map<Integer, ScoringSpeed>> speeds, double seconds) {
    StringBuilder s = new StringBuilder("# Distillation: teacher and student\n\n");
    s.append("Written by `").append(command).append("` in ").append(String.format(Locale.ROOT, "%.0f", seconds))
        .append(" s.");
    if (note != null && !note.isBlank()) {
      s.append(" **Note:** ").append(note);
    }
    s.append("\n\n");
    s.append("Each teacher labels ").append(String.format(Locale.ROOT, "%,d", trainingRecords))
        .append(" generated wines (seed ").append(DistilWines.TRAINING_SEED).append(") and `DistillModel` trains the"
            + " student on its answers in mini-batches of 500 (20% held out). Both are then measured on ")
        .append(String.format(Locale.ROOT, "%,d", ScorerBenchmark.POOL)).append(" other wines (seed ")
        .append(DistilWines.TEST_SEED).append("), loaded through their format plug-ins as serving loads them.\n\n");

    s.append("## How closely the student follows its teacher\n\n");
    s.append("| teacher | student | agreement with the teacher | student against the labels | teacher against the labels |\n");
    s.append("|---|---|---|---|---|\n");
    for (Pair p : pairs) {
      StudentFidelity f = p.fidelity();
      s.append("| ").append(describe(p.teacher())).append(" | ").append(describe(p.student())).append(" | ");
      if (p.classes()) {
        s.append(String.format(Locale.ROOT, "%.1f%% same class | accuracy %.1f%% | accuracy %.1f%% |%n",
            100 * f.agreement(), 100 * f.student(), 100 * f.teacher()));
      } else {
        s.append(String.format(Locale.ROOT, "R² %.3f (of the teacher's answers) | rmse %.3f | rmse %.3f |%n",
            f.agreement(), f.student(), f.teacher()));
      }
    }
    s.append("\nThe forest's classes are low (quality ≤ 5), medium (6) and high (≥ 7); the network predicts the"
        + " quality itself.\n\n");

    s.append("## How fast each side scores\n\n");
    s.append("The same harness for every model (`ScorerBenchmark`, JMH): the model loaded once through its format"
        + " plug-in, then one `Scorer.scoreBatch` call per operation on the next batch of unseen wines, one thread. ")
        .append(jmh.describe().replace("raw: ", "")).append(" in throughput mode, and again in sample mode for the"
            + " time of one call.\n\n");
    s.append("| model | batch | records/s (median) | lowest–highest iteration | one call p50 | p99 | p99.9 | student ÷ teacher |\n");
    s.append("|---|---|---|---|---|---|---|---|\n");
    for (Pair p : pairs) {
      for (String side : List.of(p.id(), p.id() + " student")) {
        Map<Integer, ScoringSpeed> bySize = speeds.get(side);
        for (Map.Entry<Integer, ScoringSpeed> e : bySize.entrySet()) {
          ScoringSpeed v = e.getValue();
          String ratio = side.equals(p.id()) ? "(baseline)" : String.format(Locale.ROOT, "%.1f×",
              v.recordsPerSecond() / speeds.get(p.id()).get(e.getKey()).recordsPerSecond());
          s.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f–%,.0f | %s | %s | %s | %s |%n", side,
              e.getKey(), v.recordsPerSecond(), v.low(), v.high(), micros(v.p50Micros()), micros(v.p99Micros()),
              micros(v.p999Micros()), ratio));
        }
      }
    }
    s.append("\n## Machine\n\n");
    machine.facts().forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
    return s.toString();
  }

  private static String describe(ModelDescriptor m) {
    return "`" + m.getName() + "` v" + m.getVersion() + " (" + m.getFormat() + ")";
  }

  private static String micros(double us) {
    return us >= 1000 ? String.format(Locale.ROOT, "%.2f ms", us / 1000) : String.format(Locale.ROOT, "%.1f µs", us);
  }
}

package dev.modelserving.beam.benchmarks.distill;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.modelserving.beam.benchmarks.raw.JmhSettings;
import dev.modelserving.beam.benchmarks.report.MachineFacts;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.training.StudentFidelity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The distillation report: fidelity as classes or values, and each student's speed over its own teacher's. */
class DistillationReportTest {
  private static ModelDescriptor model(String name, String version, String format) {
    return ModelDescriptor.newBuilder().setName(name).setVersion(version).setFormat(format).build();
  }

  @Test
  void showsFidelityAndTheSpeedRatioAgainstTheSameBatchOfTheTeacher() {
    Map<String, Map<Integer, ScoringSpeed>> speeds = new LinkedHashMap<>();
    speeds.put("forest", Map.of(1, new ScoringSpeed(50_000, 49_000, 51_000, 20, 30, 60)));
    speeds.put("forest student", Map.of(1, new ScoringSpeed(600_000, 590_000, 610_000, 1.5, 3, 20)));
    speeds.put("mlp", Map.of(256, new ScoringSpeed(2_000_000, 1_900_000, 2_100_000, 128, 150, 1500)));
    speeds.put("mlp student", Map.of(256, new ScoringSpeed(1_500_000, 1_400_000, 1_600_000, 170, 200, 1600)));
    String md = DistillationReport.render("benchmarks/run.sh distillation", new MachineFacts(Map.of("cores", "2")),
        JmhSettings.QUICK, 4000, null,
        List.of(new DistillationReport.Pair("forest", model("wine-forest", "1", "pmml"),
                model("wine-forest-student", "8", "pmml"), new StudentFidelity(0.88, 0.64, 0.66, 4096), true),
            new DistillationReport.Pair("mlp", model("wine-mlp", "1", "tensorflow-saved-model"),
                model("wine-mlp-student", "8", "pmml"), new StudentFidelity(0.954, 0.544, 0.548, 4096), false)),
        speeds, 90);
    assertThat(md, containsString("| `wine-forest` v1 (pmml) | `wine-forest-student` v8 (pmml) | 88.0% same class"
        + " | accuracy 64.0% | accuracy 66.0% |"));
    assertThat(md, containsString("R² 0.954 (of the teacher's answers) | rmse 0.544 | rmse 0.548 |"));
    assertThat(md, containsString("| forest | 1 | 50,000 | 49,000–51,000 | 20.0 µs | 30.0 µs | 60.0 µs | (baseline) |"));
    assertThat(md, containsString("| forest student | 1 | 600,000 |"));
    assertThat(md, containsString("| 12.0× |"));
    assertThat(md, containsString("| mlp student | 256 | 1,500,000 | 1,400,000–1,600,000 | 170.0 µs | 200.0 µs | 1.60 ms | 0.8× |"));
  }
}

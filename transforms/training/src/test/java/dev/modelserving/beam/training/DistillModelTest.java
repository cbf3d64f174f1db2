package dev.modelserving.beam.training;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.model.proto.Lineage;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.testdata.WineSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DistillModel} on the DirectRunner with real teachers made by the project's own trainers: a
 * PMML random forest teaches a logistic student, the TensorFlow network teaches a linear one. Each
 * published student is then scored, through the same format plug-ins serving uses, on wines it never
 * saw, against its teacher and against the labels.
 */
@ExtendWith(TestPipelineExtension.class)
class DistillModelTest {
  private static final Logger LOG = LoggerFactory.getLogger(DistillModelTest.class);
  private static final int RECORDS = 8000;
  private static final int TEST_RECORDS = 3000;

  @TempDir
  Path work;

  private static DistillModel<String> distil(ModelDescriptor teacher, TrainingSpec student) {
    return DistillModel.<String>create().withTeacher(teacher).withStudent(student)
        .withDataTypeFn(line -> line.split(",", -1)[1])
        .withFeatureExtractor(Teachers.FEATURES)
        .withRecordIdFn(Teachers.ID)
        .withMiniBatch(500, Duration.standardHours(1))
        .withHoldout(0.2, 1000);
  }

  private static List<ModelDescriptor> byVersion(Iterable<ModelDescriptor> models) {
    List<ModelDescriptor> list = new ArrayList<>();
    models.forEach(list::add);
    list.sort(Comparator.comparingLong(m -> Long.parseLong(m.getVersion())));
    return list;
  }

  @Test
  void aForestTeachesALogisticStudentThatAgreesWithIt(TestPipeline p) throws Exception {
    ModelDescriptor forest = Teachers.forest(work, 30, 6);
    List<String> lines = new ArrayList<>(Teachers.wines(11, RECORDS));
    // the student reads fewer fields than its teacher: a density the teacher cannot read is the teacher's failure
    String[] cells = lines.get(5).split(",", -1);
    cells[WineSchema.COLUMNS.indexOf("density")] = "n/a";
    String badDensity = String.join(",", cells);
    String noAlcohol = lines.get(6).substring(0, lines.get(6).lastIndexOf(',', lines.get(6).lastIndexOf(',') - 1))
        + ",,5";
    String beer = lines.get(7).replace(",wine,", ",beer,");
    lines.addAll(List.of(badDensity, noAlcohol, beer));
    List<String> features = WineSchema.NUMERIC_FEATURES.stream().filter(f -> !f.equals("density")).toList();
    TrainingSpec student = TrainingSpec.logisticRegression("wine", "wine-forest-student", Teachers.QUALITY_CLASS,
        features, Teachers.CLASSES);

    TrainModels.Result r = TimedLines.of(p, lines, 10, 250).apply(distil(forest, student));

    PAssert.that(r.getFailures()).satisfies(failures -> {
      Map<String, String> reasons = new TreeMap<>();
      failures.forEach(d -> reasons.put(d.getPayload(), d.getReason()));
      assertThat(reasons.toString(), reasons.size(), equalTo(3));
      assertThat(reasons.toString(), reasons.get(badDensity),
          containsString("the teacher wine-forest version 3 could not score the record"));
      assertThat(reasons.get(noAlcohol), containsString("missing feature 'alcohol'"));
      assertThat(reasons.get(beer), containsString("the student wine-forest-student learns data type 'wine'"));
      failures.forEach(d -> assertThat(d.getStage(), equalTo(DeadLetter.Stage.TRAIN)));
      return null;
    });
    PAssert.that(r.getModels()).satisfies(models -> {
      List<ModelDescriptor> list = byVersion(models);
      assertThat(list.size(), equalTo(RECORDS / 500));
      ModelDescriptor last = list.get(list.size() - 1);
      Lineage l = last.getLineage();
      assertThat(last.getVersion(), equalTo(String.valueOf(RECORDS / 500)));
      assertThat(l.getTeacherName() + " " + l.getTeacherVersion() + " " + l.getTeacherUuid(),
          equalTo("wine-forest 3 forest-uuid"));
      assertThat(l.getTrainer(), containsString("distilled from wine-forest version 3"));
      assertThat(l.getHoldoutMetricsMap().keySet(),
          hasItems("agreement", "teacher_log_loss", "label_accuracy", "teacher_label_accuracy"));
      long heldOut = Teachers.wines(11, RECORDS).stream()
          .filter(line -> MiniBatchParams.DEFAULT.isHoldout(line.split(",")[0])).count();
      assertThat(l.getTotalTrainedRecords(), equalTo(RECORDS - heldOut));
      assertThat(l.getHoldoutMetricsOrThrow("agreement"), greaterThan(0.85));

      StudentFidelity f = fidelity(() -> StudentFidelity.ofClasses(forest, last, features(Teachers.wines(99, TEST_RECORDS)),
          Teachers.QUALITY_CLASS));
      LOG.info("forest -> logistic student v{}: holdout {}; on {} unseen wines: agreement {}, student accuracy {},"
              + " teacher accuracy {}", last.getVersion(), l.getHoldoutMetricsMap(), TEST_RECORDS, f.agreement(),
          f.student(), f.teacher());
      assertThat("agreement with the forest on unseen wines", f.agreement(), greaterThan(0.85));
      assertThat("the student's accuracy is close to the teacher's", f.student(), greaterThan(f.teacher() - 0.05));
      assertThat("the first student agreed less than the last",
          list.get(0).getLineage().getHoldoutMetricsOrThrow("teacher_log_loss"),
          greaterThan(l.getHoldoutMetricsOrThrow("teacher_log_loss")));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void theTensorFlowNetworkTeachesALinearStudent(TestPipeline p) throws Exception {
    ModelDescriptor mlp = Teachers.mlp();
    TrainingSpec student = TrainingSpec.linearRegression("wine", "wine-mlp-student", WineSchema.QUALITY,
        WineSchema.NUMERIC_FEATURES);

    TrainModels.Result r = TimedLines.of(p, Teachers.wines(12, RECORDS), 10, 250).apply(distil(mlp, student));

    PAssert.that(r.getFailures()).empty();
    PAssert.that(r.getModels()).satisfies(models -> {
      List<ModelDescriptor> list = byVersion(models);
      ModelDescriptor last = list.get(list.size() - 1);
      Lineage l = last.getLineage();
      assertThat(list.size(), equalTo(RECORDS / 500));
      assertThat(l.getTeacherName(), equalTo("wine-mlp"));
      assertThat(l.getHoldoutMetricsMap().keySet(),
          hasItems("teacher_rmse", "teacher_mae", "teacher_r2", "label_rmse", "teacher_label_rmse"));
      assertThat(l.getHoldoutMetricsOrThrow("teacher_r2"), greaterThan(0.9));

      StudentFidelity f = fidelity(() -> StudentFidelity.ofValues(mlp, last, features(Teachers.wines(99, TEST_RECORDS)),
          WineSchema.QUALITY));
      LOG.info("network -> linear student v{}: holdout {}; on {} unseen wines: R2 against the teacher {},"
              + " rmse against the labels: student {}, teacher {}", last.getVersion(),
          l.getHoldoutMetricsMap(), TEST_RECORDS, f.agreement(), f.student(), f.teacher());
      assertThat("share of the teacher's variance the student explains", f.agreement(), greaterThan(0.9));
      assertThat("rmse against the labels within 10% of the teacher's", f.student(), lessThan(f.teacher() * 1.1));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void missingSettingsAndAnUnloadableTeacherAreNamedWhenThePipelineIsBuilt() throws Exception {
    TrainingSpec student = TrainingSpec.linearRegression("wine", "s", WineSchema.QUALITY, WineSchema.NUMERIC_FEATURES);
    PCollection<String> lines = Pipeline.create().apply(Create.of(List.of("x")));
    IllegalArgumentException noTeacher = assertThrows(IllegalArgumentException.class,
        () -> lines.apply("a", DistillModel.<String>create().withStudent(student).withFeatureExtractor(Teachers.FEATURES)));
    assertThat(noTeacher.getMessage(), containsString("withTeacher(descriptor)"));
    IllegalArgumentException noStudent = assertThrows(IllegalArgumentException.class,
        () -> lines.apply("b", DistillModel.<String>create().withTeacher(Teachers.mlp())
            .withFeatureExtractor(Teachers.FEATURES)));
    assertThat(noStudent.getMessage(), containsString("withStudent(spec)"));
    ModelDescriptor broken = Teachers.mlp().toBuilder().setFormat("pmml")
        .setModelBytes(ByteString.copyFromUtf8("<PMML>not a model")).build();
    IllegalArgumentException unloadable = assertThrows(IllegalArgumentException.class,
        () -> lines.apply("c", DistillModel.<String>create().withTeacher(broken).withStudent(student)
            .withFeatureExtractor(Teachers.FEATURES)));
    assertThat(unloadable.getMessage(), containsString("the teacher 'wine-mlp' version 2"));
    assertThat(unloadable.getMessage(), containsString("could not be loaded"));
  }

  private interface Measure {
    StudentFidelity get() throws Exception;
  }

  private static StudentFidelity fidelity(Measure measure) {
    try {
      return measure.get();
    } catch (Exception e) {
      throw new AssertionError("could not measure the student against its teacher: " + e, e);
    }
  }

  private static List<Features> features(List<String> lines) {
    return lines.stream().map(Teachers.FEATURES::apply).toList();
  }
}

package dev.modelserving.beam.training;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.ModelAnswer;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.policy.ServingPolicies;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A distilled student in the role it is made for: the fast model of a speculative policy, served
 * with {@link ServeModels} next to its teacher. Every record gets the teacher's answer (preferred,
 * within the budget) and the student's, which agrees with it on most records.
 */
@ExtendWith(TestPipelineExtension.class)
class DistilledStudentServesTest {
  private static final Logger LOG = LoggerFactory.getLogger(DistilledStudentServesTest.class);
  private static final int RECORDS = 500;
  private static final String MODEL = "model:";
  private static final String RECORD = "record:";

  @TempDir
  Path work;

  @Test
  void theStudentIsTheFastModelOfASpeculativePolicyBesideItsTeacher(TestPipeline p) throws Exception {
    ModelDescriptor forest = Teachers.forest(work, 30, 6);
    ModelDescriptor student = distil(forest);
    String studentName = student.getName();

    // one stream, so that the models are in the set before the first record arrives
    TestStream.Builder<String> arrivals = TestStream.create(StringUtf8Coder.of())
        .addElements(MODEL + encode(forest), MODEL + encode(student));
    List<String> wines = Teachers.wines(99, RECORDS);
    arrivals = arrivals.addElements(RECORD + wines.get(0),
        wines.subList(1, wines.size()).stream().map(w -> RECORD + w).toArray(String[]::new));
    PCollection<String> all = p.apply(arrivals.advanceWatermarkToInfinity());
    PCollection<ModelDescriptor> models = all
        .apply("ModelArrivals", Filter.by((String a) -> a.startsWith(MODEL)))
        .apply("Decode", MapElements.into(TypeDescriptor.of(ModelDescriptor.class)).via(DistilledStudentServesTest::decode))
        .setCoder(ModelDescriptorCoder.of());
    ServeModels.Result<String> served = all
        .apply("RecordArrivals", Filter.by((String a) -> a.startsWith(RECORD)))
        .apply("Lines", MapElements.into(TypeDescriptors.strings()).via((String a) -> a.substring(RECORD.length())))
        .apply(ServeModels.<String>create()
            .withModels(models)
            .withDataTypeFn(line -> WineSchema.DATA_TYPE)
            .withFeatureExtractor(Teachers.FEATURES)
            .withRecordIdFn(Teachers.ID)
            .withPolicy(ServingPolicies.speculative(Duration.standardSeconds(30), studentName)
                .preferring(forest.getName())));

    PAssert.that(served.getDeadLetters()).empty();
    PAssert.that(served.getUnserved()).empty();
    PAssert.that(served.getScored()).satisfies(scored -> {
      int n = 0;
      int same = 0;
      for (ScoredRecord<String> r : scored) {
        n++;
        assertThat(r.getTrace().toString(), r.getModelName(), equalTo("wine-forest"));
        assertThat(r.getDecision(), equalTo("speculative/preferred"));
        ModelAnswer fast = r.getTrace().answerOf(studentName);
        assertThat(fast.getRole(), equalTo("fast"));
        assertThat(fast.getStatus(), equalTo(ModelAnswer.Status.ANSWERED));
        assertThat(fast.getModelVersion(), equalTo(student.getVersion()));
        same += fast.getOutput().getLabel().equals(r.getOutput().getLabel()) ? 1 : 0;
      }
      assertThat(n, equalTo(RECORDS));
      LOG.info("served under the speculative policy: {} records, the student (fast) agreed with the teacher on {}", n,
          same);
      assertThat("the student agrees with its teacher as served", (double) same / n, greaterThan(0.85));
      return null;
    });
    p.run().waitUntilFinish();
  }

  /** The last version DistillModel publishes from 4,000 wines, through files. */
  private ModelDescriptor distil(ModelDescriptor teacher) throws IOException {
    Path out = Files.createDirectories(work.resolve("students"));
    Pipeline p = Pipeline.create();
    p.apply(Create.of(Teachers.wines(11, 4000)))
        .apply(DistillModel.<String>create().withTeacher(teacher)
            .withStudent(TrainingSpec.logisticRegression(WineSchema.DATA_TYPE, "wine-forest-student",
                Teachers.QUALITY_CLASS, WineSchema.NUMERIC_FEATURES, Teachers.CLASSES))
            .withFeatureExtractor(Teachers.FEATURES)
            .withRecordIdFn(Teachers.ID)
            .withMiniBatch(500, Duration.standardHours(1)))
        .getModels()
        .apply(ParDo.of(new WriteFn(out.toString())));
    p.run().waitUntilFinish();
    try (Stream<Path> files = Files.list(out)) {
      return files.map(DistilledStudentServesTest::read)
          .max(Comparator.comparingLong(m -> Long.parseLong(m.getVersion()))).orElseThrow();
    }
  }

  private static String encode(ModelDescriptor m) {
    return Base64.getEncoder().encodeToString(m.toByteArray());
  }

  private static ModelDescriptor decode(String arrival) {
    try {
      return ModelDescriptor.parseFrom(Base64.getDecoder().decode(arrival.substring(MODEL.length())));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ModelDescriptor read(Path file) {
    try {
      return ModelDescriptor.parseFrom(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final class WriteFn extends DoFn<ModelDescriptor, Void> {
    private final String dir;

    WriteFn(String dir) {
      this.dir = dir;
    }

    @ProcessElement
    public void write(@Element ModelDescriptor m) throws IOException {
      Files.write(Path.of(dir, m.getVersion() + ".pb"), m.toByteArray());
    }
  }
}

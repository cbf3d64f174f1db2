package dev.modelserving.beam.training;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.proto.Lineage;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.training.pmml.ExportedModel;
import dev.modelserving.beam.training.pmml.RegressionPmml;
import dev.modelserving.beam.training.pmml.RegressionPmmlReader;
import dev.modelserving.beam.training.sgd.MiniBatchSgd;
import dev.modelserving.beam.training.sgd.Standardizer;
import dev.modelserving.beam.training.sgd.Weights;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link TrainModels} on the DirectRunner: mini-batches close by count and by event time, versions
 * and lineage chain from one model to the next, a trainer continues from an initial model's weights
 * (not from zero), and bad records become failures with their reason.
 */
@ExtendWith(TestPipelineExtension.class)
class TrainModelsTest {
  private static final Instant T0 = TimedLines.T0;

  private static PCollection<String> timed(TestPipeline p, List<String> lines, long stepMillis) {
    return TimedLines.of(p, lines, stepMillis);
  }

  private static List<ModelDescriptor> byVersion(Iterable<ModelDescriptor> models) {
    List<ModelDescriptor> list = new ArrayList<>();
    models.forEach(list::add);
    list.sort(Comparator.comparingLong(m -> Long.parseLong(m.getVersion())));
    return list;
  }

  @Test
  void versionsAndLineageChainFromOneMiniBatchToTheNext(TestPipeline p) {
    List<String> lines = LabelledLines.binary("d", "r", 2000, 1);
    TrainModels.Result r = timed(p, lines, 10).apply(LabelledLines.train(LabelledLines.spec("d"))
        .withMiniBatch(200, Duration.standardHours(1)).withHoldout(0.2, 1000));
    PAssert.that(r.getFailures()).empty();
    PAssert.that(r.getModels()).satisfies(models -> {
      List<ModelDescriptor> list = byVersion(models);
      assertThat(list.size(), equalTo(10));
      Set<String> uuids = new HashSet<>();
      long total = 0;
      for (int i = 0; i < list.size(); i++) {
        ModelDescriptor m = list.get(i);
        Lineage l = m.getLineage();
        assertThat(m.getVersion(), equalTo(String.valueOf(i + 1)));
        assertThat(m.getName(), equalTo("d-sgd"));
        assertThat(m.getDataType(), equalTo("d"));
        assertThat(m.getFormat(), equalTo("pmml"));
        assertThat(uuids.add(m.getUuid()), equalTo(true));
        assertThat(l.getParentVersion(), equalTo(i == 0 ? "" : String.valueOf(i)));
        assertThat(l.getParentUuid(), equalTo(i == 0 ? "" : list.get(i - 1).getUuid()));
        total += l.getTrainedRecords();
        assertThat(l.getTotalTrainedRecords(), equalTo(total));
        assertThat(l.getUpdates(), equalTo((long) i + 1));
        assertThat(l.getEventTimeStartMillis() <= l.getEventTimeEndMillis(), equalTo(true));
        assertThat(l.getEventTimeStartMillis() >= T0.getMillis(), equalTo(true));
        assertThat(l.getEventTimeEndMillis() <= T0.getMillis() + 10 * 1999, equalTo(true));
        assertThat(l.getHoldoutMetricsMap().keySet(), equalTo(Set.of("accuracy", "log_loss")));
        assertThat(new String(m.getModelBytes().toByteArray(), StandardCharsets.UTF_8),
            containsString("version " + (i + 1)));
      }
      // held out: the ids the split picks, which are never trained on
      long heldOut = lines.stream().filter(line -> MiniBatchParams.DEFAULT.isHoldout(line.split(",")[0])).count();
      assertThat(total, equalTo(2000 - heldOut));
      assertThat((double) heldOut, closeTo(400, 60));
      Lineage first = list.get(0).getLineage();
      Lineage last = list.get(list.size() - 1).getLineage();
      assertThat(last.getHoldoutRecords(), equalTo(heldOut));
      assertThat(last.getHoldoutMetricsOrThrow("log_loss"), lessThan(first.getHoldoutMetricsOrThrow("log_loss")));
      assertThat(last.getHoldoutMetricsOrThrow("accuracy"), greaterThan(0.8));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void aMiniBatchClosesWhenItsEventTimeSpanHasPassed(TestPipeline p) {
    List<String> lines = LabelledLines.binary("d", "r", 5, 2);
    TestStream<String> stream = TestStream.create(StringUtf8Coder.of()).advanceWatermarkTo(T0)
        .addElements(TimestampedValue.of(lines.get(0), T0), TimestampedValue.of(lines.get(1), T0.plus(1000)),
            TimestampedValue.of(lines.get(2), T0.plus(2000)))
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(40)))
        .addElements(TimestampedValue.of(lines.get(3), T0.plus(45_000)), TimestampedValue.of(lines.get(4), T0.plus(50_000)))
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(60)))
        .advanceWatermarkToInfinity();
    TrainModels.Result r = p.apply(stream).apply(LabelledLines.train(LabelledLines.spec("d"))
        .withMiniBatch(500, Duration.standardSeconds(30)).withHoldout(0, 10));
    PAssert.that(r.getModels()).satisfies(models -> {
      List<ModelDescriptor> list = byVersion(models);
      assertThat(list.size(), equalTo(2));
      assertThat(list.get(0).getLineage().getTrainedRecords(), equalTo(3L));
      assertThat(list.get(0).getLineage().getEventTimeStartMillis(), equalTo(T0.getMillis()));
      assertThat(list.get(0).getLineage().getEventTimeEndMillis(), equalTo(T0.getMillis() + 2000));
      assertThat(list.get(1).getLineage().getTrainedRecords(), equalTo(2L));
      assertThat(list.get(1).getLineage().getEventTimeStartMillis(), equalTo(T0.getMillis() + 45_000));
      assertThat(list.get(1).getLineage().getEventTimeEndMillis(), equalTo(T0.getMillis() + 50_000));
      assertThat(list.get(1).getLineage().getParentVersion(), equalTo("1"));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void aTrainerWithoutStateContinuesFromItsInitialModelNotFromZero(TestPipeline p) {
    TrainingSpec spec = LabelledLines.spec("d");
    Standardizer standardizer = new Standardizer(new double[] {4, 90}, new double[] {2.5, 20});
    Weights saved = new Weights(new double[][] {{0.8, -0.6}}, new double[] {0.1}, 40);
    String pmml = RegressionPmml.of(spec.settings(), spec.features(), spec.target()).withClasses(spec.classes())
        .withStandardizer(standardizer).write(saved);
    ModelDescriptor v7 = ModelDescriptor.newBuilder().setName("d-sgd").setDataType("d").setFormat("pmml")
        .setVersion("7").setUuid("uuid-7").setModelBytes(ByteString.copyFromUtf8(pmml)).build();
    List<String> lines = LabelledLines.binary("d", "r", 100, 3);

    TrainModels.Result r = p.apply(Create.timestamped(lines.stream().map(l -> TimestampedValue.of(l, T0)).toList())
            .withCoder(StringUtf8Coder.of()))
        .apply(LabelledLines.train(spec.withInitialModel(v7)).withMiniBatch(100, Duration.standardHours(1))
            .withHoldout(0, 10));

    // what one step from the saved weights, on the saved standardization, must give
    double[][] x = new double[lines.size()][];
    double[] y = new double[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      String[] c = lines.get(i).split(",");
      x[i] = new double[] {Double.parseDouble(c[2]), Double.parseDouble(c[3])};
      y[i] = c[4].equals("yes") ? 1 : 0;
    }
    Weights expected = MiniBatchSgd.step(standardizer.unfold(standardizer.fold(saved)), spec.settings(),
        standardizer.apply(x), y);
    PAssert.that(r.getModels()).satisfies(models -> {
      List<ModelDescriptor> list = byVersion(models);
      assertThat(list.size(), equalTo(1));
      ModelDescriptor m = list.get(0);
      assertThat(m.getVersion(), equalTo("8"));
      assertThat(m.getLineage().getParentVersion(), equalTo("7"));
      assertThat(m.getLineage().getParentUuid(), equalTo("uuid-7"));
      assertThat(m.getLineage().getUpdates(), equalTo(41L));
      ExportedModel trained = RegressionPmmlReader.read(m.getModelBytes().toByteArray());
      assertThat(trained.standardizer().mean(1), closeTo(90, 1e-12));
      for (int f = 0; f < 2; f++) {
        assertThat(trained.weights().coefficient(0, f), closeTo(expected.coefficient(0, f), 1e-9));
      }
      assertThat(trained.weights().intercept(0), closeTo(expected.intercept(0), 1e-9));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void recordsThatCannotBeTrainedOnAreFailuresWithTheirReason(TestPipeline p) {
    List<String> good = LabelledLines.binary("d", "g", 10, 4);
    List<String> bad = List.of(
        "b1,beer,1,2,yes",
        "b2,d,1,2,",
        "b3,d,1,2,maybe",
        "b4,d,abc,2,no",
        "b5,d,Infinity,2,no",
        "b6,,1,2,no",
        "b7,d,,2,yes");
    List<String> all = new ArrayList<>(good);
    all.addAll(bad);
    TrainModels.Result r = p.apply(Create.timestamped(all.stream().map(l -> TimestampedValue.of(l, T0)).toList())
            .withCoder(StringUtf8Coder.of()))
        .apply(LabelledLines.train(LabelledLines.spec("d")).withMiniBatch(10, Duration.standardHours(1))
            .withHoldout(0, 10));
    PAssert.that(r.getFailures()).satisfies(failures -> {
      Map<String, String> reasons = new TreeMap<>();
      for (DeadLetter d : failures) {
        assertThat(d.getStage(), equalTo(DeadLetter.Stage.TRAIN));
        reasons.put(d.getPayload().split(",")[0], d.getReason());
      }
      assertThat(reasons.keySet(), equalTo(Set.of("b1", "b2", "b3", "b4", "b5", "b6", "b7")));
      assertThat(reasons.get("b1"), containsString("no model is trained for data type 'beer'"));
      assertThat(reasons.get("b2"), containsString("the label 'label' is missing"));
      assertThat(reasons.get("b3"), containsString("'maybe', not one of the classes [no, yes]"));
      assertThat(reasons.get("b4"), containsString("feature 'x1' must be numeric but is 'abc'"));
      assertThat(reasons.get("b5"), containsString("feature 'x1' is not finite"));
      assertThat(reasons.get("b6"), containsString("no data type"));
      assertThat(reasons.get("b7"), containsString("missing feature 'x1'"));
      return null;
    });
    PAssert.that(r.getModels()).satisfies(models -> {
      List<ModelDescriptor> list = byVersion(models);
      assertThat(list.size(), equalTo(1));
      assertThat(list.get(0).getLineage().getTrainedRecords(), equalTo(10L));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void publishesEveryKStepsWithTheLineageOfAllOfThem(TestPipeline p) {
    List<String> lines = LabelledLines.binary("d", "r", 600, 5);
    TrainModels.Result r = timed(p, lines, 10).apply(LabelledLines.train(LabelledLines.spec("d"))
        .withMiniBatch(100, Duration.standardHours(1)).withPublishEvery(3).withHoldout(0, 10));
    PAssert.that(r.getModels()).satisfies(models -> {
      List<ModelDescriptor> list = byVersion(models);
      assertThat(list.size(), equalTo(2));
      assertThat(list.get(0).getLineage().getTrainedRecords(), equalTo(300L));
      assertThat(list.get(0).getLineage().getUpdates(), equalTo(3L));
      assertThat(list.get(1).getLineage().getTrainedRecords(), equalTo(300L));
      assertThat(list.get(1).getLineage().getTotalTrainedRecords(), equalTo(600L));
      assertThat(list.get(1).getLineage().getUpdates(), equalTo(6L));
      assertThat(list.get(1).getLineage().getParentVersion(), equalTo("1"));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void eachDataTypeTrainsItsOwnModel(TestPipeline p) {
    List<String> lines = new ArrayList<>(LabelledLines.binary("a", "a", 300, 6));
    lines.addAll(LabelledLines.binary("b", "b", 200, 7));
    TrainModels.Result r = p.apply(Create.timestamped(lines.stream().map(l -> TimestampedValue.of(l, T0)).toList())
            .withCoder(StringUtf8Coder.of()))
        .apply(LabelledLines.train(LabelledLines.spec("a"), LabelledLines.spec("b"))
            .withMiniBatch(100, Duration.standardHours(1)).withHoldout(0, 10));
    PAssert.that(r.getModels()).satisfies(models -> {
      Map<String, Long> count = new TreeMap<>();
      StreamSupport.stream(models.spliterator(), false)
          .forEach(m -> count.merge(m.getName() + " " + m.getDataType(), 1L, Long::sum));
      assertThat(count, equalTo(Map.of("a-sgd a", 3L, "b-sgd b", 2L)));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void missingSettingsNameTheCallThatIsMissing(TestPipeline p) {
    PCollection<String> in = p.apply(Create.of(List.of("x")).withCoder(StringUtf8Coder.of()));
    IllegalArgumentException noModel = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> in.apply("a", TrainModels.<String>create().withDataTypeFn(LabelledLines.DATA_TYPE)
            .withFeatureExtractor(LabelledLines.FEATURES_OF)));
    assertThat(noModel.getMessage(), containsString("withModel(spec)"));
    IllegalArgumentException noFeatures = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> in.apply("b", TrainModels.<String>create().withModel(LabelledLines.spec("d"))
            .withDataTypeFn(LabelledLines.DATA_TYPE)));
    assertThat(noFeatures.getMessage(), containsString("withFeatureExtractor(fn)"));
    p.enableAbandonedNodeEnforcement(false);
  }
}

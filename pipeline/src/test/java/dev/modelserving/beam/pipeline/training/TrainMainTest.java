package dev.modelserving.beam.pipeline.training;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.modelserving.beam.training.TrainingSpec;
import dev.modelserving.beam.training.sgd.ModelKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code train} command's options: the defaults train a multinomial logistic regression of the
 * wine quality; bad values fail with one line, exit status 2, before any Kafka client starts (the
 * bootstrap address here has no broker).
 */
class TrainMainTest {
  private static final String NO_BROKER = "--bootstrapServers=127.0.0.1:1";

  @Test
  void theDefaultsTrainAMultinomialLogisticRegressionOfTheWineQuality() {
    TrainingSpec spec = TrainMain.spec(TrainMain.parse(new String[] {NO_BROKER}));
    assertThat(spec.kind(), equalTo(ModelKind.MULTINOMIAL_LOGISTIC));
    assertThat(spec.target(), equalTo("quality"));
    assertThat(spec.features().size(), equalTo(11));
    assertThat(spec.classes(), equalTo(List.of("3", "4", "5", "6", "7", "8", "9")));
    TrainingSpec linear = TrainMain.spec(TrainMain.parse(new String[] {NO_BROKER, "--classes=", "--features=alcohol,pH"}));
    assertThat(linear.kind(), equalTo(ModelKind.LINEAR_REGRESSION));
    TrainingOptions o = TrainMain.parse(new String[] {NO_BROKER});
    assertThat(o.getConsumerGroup(), equalTo("model-serving-training"));
    assertThat(o.getDeadLetterTopic(), equalTo("training-dead-letters"));
  }

  @Test
  void badOptionsFailWithOneLineAndStatus2() throws Exception {
    Run noFeatures = run(NO_BROKER, "--features=");
    assertThat(noFeatures.exit, equalTo(2));
    assertThat(noFeatures.err, containsString("train: features must be distinct, at least one"));
    Run missingFile = run(NO_BROKER, "--startFrom=/no/such/model.pmml");
    assertThat(missingFile.exit, equalTo(2));
    assertThat(missingFile.err, containsString("--startFrom must be 'latest', 'none' or a PMML file"));
    Run oneClass = run(NO_BROKER, "--classes=good");
    assertThat(oneClass.exit, equalTo(2));
    assertThat(oneClass.err, containsString("at least 2 classes"));
    assertThat(oneClass.err.strip().lines().count(), equalTo(1L));
  }

  private static Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = TrainMain.train(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int exit, String err) {}
}

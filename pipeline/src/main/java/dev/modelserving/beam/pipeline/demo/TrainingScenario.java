package dev.modelserving.beam.pipeline.demo;

import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.training.TrainMain;
import dev.modelserving.beam.pipeline.training.TrainingOptions;
import dev.modelserving.beam.pipeline.training.TrainingPipeline;
import dev.modelserving.beam.pipeline.training.TrainingReport;
import dev.modelserving.beam.testdata.WineDataGenerator;
import dev.modelserving.beam.testdata.WineSchema;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.beam.sdk.PipelineResult;

/**
 * The training demo: publishes no model itself, but runs the {@code train} pipeline ({@link
 * TrainingPipeline}, on the DirectRunner in this JVM) beside the serving pipeline. Training reads
 * the labelled wines of the data topic with its own consumer group and publishes a version of
 * {@value #MODEL} after every mini-batch of {@value #MINI_BATCH} records; serving picks each one up.
 * Every interval it prints the served accuracy of the interval ({@link AccuracyTally}) with the
 * latest version published; at the end, the training counters and an accuracy summary.
 */
final class TrainingScenario implements DemoScenario {
  /** The trained model, as {@code train} names it by default. */
  static final String MODEL = "wine-sgd";
  /** The label trained on and checked against. */
  static final String LABEL = "quality";
  /** The training pipeline's consumer group of the data topic. */
  static final String CONSUMER_GROUP = "demo-training";
  /** Records per mini-batch: one version each, a few a second at the demo's rate. */
  static final int MINI_BATCH = 50;
  /** The seed of the generated wines. */
  static final long SEED = 7;

  private final DemoOptions options;
  private final AccuracyTally accuracy;
  private PipelineResult training;
  private PublishedVersions published;
  private Map<String, Long> counters = Map.of();
  private boolean toldEnd;

  TrainingScenario(DemoOptions options, AccuracyTally accuracy) {
    this.options = options;
    this.accuracy = accuracy;
  }

  /** Labelled wines from {@link WineDataGenerator}, seeded, with the drift after {@code driftAfter} of them (0 or less: none). */
  static Supplier<String> wines(long driftAfter) {
    WineDataGenerator wines = driftAfter > 0
        ? WineDataGenerator.withDriftAfter(SEED, driftAfter) : new WineDataGenerator(SEED);
    return () -> wines.next().toCsv();
  }

  /** The options of the demo's training pipeline: the demo's broker, topics and client settings. */
  static TrainingOptions trainingOptions(DemoOptions o) {
    List<String> args = new ArrayList<>(List.of(
        "--runner=DirectRunner",
        "--bootstrapServers=" + o.getBootstrapServers(),
        "--dataTopic=" + o.getDataTopic(),
        "--modelTopic=" + o.getModelTopic(),
        "--consumerGroup=" + CONSUMER_GROUP,
        "--deadLetterTopic=" + TrainMain.DEFAULT_DEAD_LETTER_TOPIC,
        "--trainingDataType=" + WineSchema.DATA_TYPE,
        "--modelName=" + MODEL,
        "--target=" + LABEL,
        "--startFrom=none",
        "--miniBatchSize=" + MINI_BATCH));
    addIfSet(args, "kafkaPropertiesFile", o.getKafkaPropertiesFile());
    addIfSet(args, "kafkaProperties", o.getKafkaProperties());
    addIfSet(args, "consumerProperties", o.getConsumerProperties());
    addIfSet(args, "producerProperties", o.getProducerProperties());
    return TrainMain.parse(args.toArray(String[]::new));
  }

  @Override
  public void start() {
    TrainingOptions t = trainingOptions(options);
    KafkaClientConfig clients = KafkaClientConfig.from(t);
    KafkaTopics.ensureTopics(t.getBootstrapServers(), TrainMain.topics(t), clients);
    training = TrainingPipeline.build(t, TrainMain.spec(t)).run();
    published = new PublishedVersions(t.getBootstrapServers(), clients, t.getModelTopic(), WineSchema.DATA_TYPE, MODEL);
    System.out.printf(String.join("%n",
        ">>> started the training pipeline beside serving (DirectRunner, this JVM): it reads the labelled wines of",
        "    '%s' (consumer group '%s'), takes one SGD step per mini-batch of %d records and publishes each",
        "    version of '%s' to '%s', where the serving pipeline picks it up; its failures go to '%s'.",
        "No model is published at start: the records that reach serving before the first version %s.",
        "Every %d s a line gives the served accuracy of the records scored in that interval (served class =",
        "the record's %s), the versions that scored them and the latest version training has published.%n"),
        t.getDataTopic(), CONSUMER_GROUP, MINI_BATCH, MODEL, t.getModelTopic(), t.getDeadLetterTopic(),
        "unserved".equalsIgnoreCase(options.getNoModelPolicy().trim())
            ? "are unserved (expected)" : "wait for it (--noModelPolicy=" + options.getNoModelPolicy().trim() + ")",
        options.getModelIntervalSeconds(), LABEL);
    if (options.getDriftAfter() > 0) {
      System.out.printf("Concept drift after wine %d (--driftAfter, about %.0f s in): alcohol and volatile acidity"
          + " then act the other way round on quality; watch the accuracy drop and recover as training adapts.%n",
          options.getDriftAfter(), options.getDriftAfter() / options.getRecordsPerSecond());
    }
    System.out.println();
  }

  @Override
  public void step() {
    accuracy.printAndReset(System.out, published.latest());
    PipelineResult.State state = training.getState();
    if (state.isTerminal() && !toldEnd) {
      toldEnd = true;
      System.out.println("!!! the training pipeline has ended (" + state + "): no new versions from now on;"
          + " the log above says why");
    }
  }

  @Override
  public void stop() {
    accuracy.printLast(System.out, published.latest());
    counters = TrainingReport.counters(training);
    try {
      training.cancel();
      training.waitUntilFinish(org.joda.time.Duration.standardSeconds(10));
    } catch (Exception e) {
      System.out.println("cancel training: " + e);
    }
    published.close();
  }

  @Override
  public void report(PrintStream out) {
    TrainingReport.print(counters, out);
    accuracy.printSummary(out);
  }

  private static void addIfSet(List<String> args, String option, String value) {
    if (value != null && !value.isBlank()) {
      args.add("--" + option + "=" + value);
    }
  }
}

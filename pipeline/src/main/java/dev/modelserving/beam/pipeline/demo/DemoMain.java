package dev.modelserving.beam.pipeline.demo;

import dev.modelserving.beam.pipeline.KafkaServing;
import dev.modelserving.beam.pipeline.OptionChecks;
import dev.modelserving.beam.pipeline.ServingMain;
import dev.modelserving.beam.pipeline.ServingReport;
import dev.modelserving.beam.pipeline.ServingTopics;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaClientConfig;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.testdata.WineSchema;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The one-command demo: starts a real Kafka broker on 127.0.0.1, publishes wine records and models,
 * runs the serving pipeline, and prints the scored records with the model that scored them. What
 * it publishes depends on {@code --demoMode} ({@link DemoMode}): a cycle of PMML and TensorFlow
 * models, each taking over ({@code cycle}, the default); a fast and a slow model under the
 * speculative policy ({@code speculative}); a stable model and a canary whose weight rises ({@code
 * canary}); nothing, while the train pipeline beside serving publishes the models and the console
 * prints the served accuracy ({@code training}). Stops on Ctrl-C or after {@code --durationSeconds},
 * then prints the serving metrics (and the training metrics).
 */
public final class DemoMain {
  private DemoMain() {}

  /** What {@link #demo} returns when Ctrl-C stopped it: the JVM is already exiting. */
  static final int STOPPED_BY_CTRL_C = -1;

  public static void main(String[] args) throws Exception {
    int code = demo(args);
    if (code != STOPPED_BY_CTRL_C) {
      System.exit(code); // runner and client threads may linger
    }
  }

  /**
   * Runs the demo until {@code --durationSeconds} or Ctrl-C; returns 0 when it ran, 2 for a bad
   * option (one line on stderr), {@link #STOPPED_BY_CTRL_C} after Ctrl-C.
   */
  static int demo(String[] args) throws Exception {
    PipelineOptionsFactory.register(DemoOptions.class);
    DemoOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(DemoOptions.class);
    Path testdata = Paths.get(options.getTestdataDir());
    if (!testdata.resolve("wine.csv").toFile().isFile()) {
      System.err.println("demo: no test data at " + testdata.toAbsolutePath()
          + "; run the demo from the repository root or set --testdataDir");
      return 2;
    }
    if (options.getDataTypes().isEmpty()) {
      options.setDataTypes(WineSchema.DATA_TYPE); // so the demo's 'beer' record shows an unknown data type
    }
    DemoMode mode;
    try {
      mode = DemoMode.of(options.getDemoMode());
      mode.applyDefaults(options, args);
      mode.quietLogging();
      if (mode == DemoMode.CANARY) {
        CanaryScenario.weights(options.getCanaryWeights());
      }
      OptionChecks.check(options);
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      return 2;
    }
    boolean sasl;
    try {
      sasl = saslPlain(options.getKafkaSecurity());
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      return 2;
    }
    EmbeddedKafkaBroker.quietKafkaLogging();
    System.out.println("Starting an embedded Kafka broker on 127.0.0.1" + (sasl ? " with SASL/PLAIN" : "") + " ...");
    String password = UUID.randomUUID().toString();
    try (EmbeddedKafkaBroker broker = sasl
        ? EmbeddedKafkaBroker.startSaslPlain(options.getKafkaPort(), Map.of(DEMO_USER, password))
        : EmbeddedKafkaBroker.start(options.getKafkaPort())) {
      if (sasl && options.getKafkaPropertiesFile() == null) {
        Path file = DemoClientProperties.write(broker.clientProperties(DEMO_USER, password));
        options.setKafkaPropertiesFile(file.toString());
        System.out.println("Clients log in as '" + DEMO_USER + "' with the settings in " + file
            + " (readable by you only; deleted at exit): pass --kafkaPropertiesFile=" + file
            + " to publish-model, route and status");
      }
      return run(options, mode, args, broker, testdata);
    }
  }

  /** The user clients log in as on the demo's SASL/PLAIN broker. */
  static final String DEMO_USER = "demo";

  /** True for --kafkaSecurity=sasl-plain, false for plaintext. */
  static boolean saslPlain(String security) {
    switch (security.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "plaintext":
        return false;
      case "sasl-plain":
        return true;
      default:
        throw new IllegalArgumentException("--kafkaSecurity must be 'plaintext' or 'sasl-plain', not '" + security + "'");
    }
  }

  private static int run(DemoOptions options, DemoMode mode, String[] args, EmbeddedKafkaBroker broker,
      Path testdata) throws Exception {
    options.setBootstrapServers(broker.bootstrapServers());
    KafkaClientConfig clients = KafkaClientConfig.from(options);
    KafkaTopics.ensureTopics(broker.bootstrapServers(), ServingTopics.of(options), clients);
    System.out.println("Kafka is up at " + broker.bootstrapServers() + "; topics: data '" + options.getDataTopic()
        + "', models '" + options.getModelTopic() + "' (compacted), output '" + options.getOutputTopic()
        + "', review '" + options.getReviewTopic() + "', shadow comparisons '" + options.getComparisonTopic()
        + "', dead letters '" + options.getDeadLetterTopic() + "'");

    ModelPublisher modelPublisher = new ModelPublisher(broker.bootstrapServers(), clients);
    AccuracyTally accuracy = new AccuracyTally(TrainingScenario.LABEL,
        mode == DemoMode.TRAINING ? options.getDriftAfter() : 0); // only the training mode's records drift
    DemoScenario scenario = mode.scenario(modelPublisher, options, testdata, accuracy);
    scenario.start();

    ServingMain.applyRunnerDefaults(options, args);
    PipelineResult pipeline = KafkaServing.build(options).run();

    DemoRecordPublisher records = new DemoRecordPublisher(broker.bootstrapServers(), clients,
        options.getDataTopic(), mode.records(options, testdata), options.getRecordsPerSecond(),
        options.getBadRecordEvery());
    DecisionTally tally = new DecisionTally();
    ConsolePrinter printer = new ConsolePrinter(broker.bootstrapServers(), clients, options, System.out,
        mode.printEvery(options), tally, accuracy, mode.printsUnserved());
    Thread recordThread = new Thread(records, "demo-records");
    Thread printerThread = new Thread(printer, "demo-console");
    ScheduledExecutorService modelTimer = Executors.newSingleThreadScheduledExecutor();
    accuracy.startClock(); // the intervals count from the first record
    recordThread.start();
    printerThread.start();
    modelTimer.scheduleAtFixedRate(() -> {
      try {
        if (mode.talliesDecisions()) {
          tally.printAndReset(System.out);
        }
        scenario.step();
      } catch (RuntimeException e) {
        System.out.println("demo step failed: " + e); // and the next interval tries again
      }
    }, options.getModelIntervalSeconds(), options.getModelIntervalSeconds(), TimeUnit.SECONDS);

    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean ctrlC = new AtomicBoolean();
    Thread ctrlCHook = new Thread(() -> {
      ctrlC.set(true);
      stop.countDown();
      try {
        stopped.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "demo-ctrl-c");
    Runtime.getRuntime().addShutdownHook(ctrlCHook);
    if (options.getDurationSeconds() > 0) {
      stop.await(options.getDurationSeconds(), TimeUnit.SECONDS);
    } else {
      System.out.println("Press Ctrl-C to stop.");
      stop.await();
    }

    System.out.println("\nStopping: no more records or models; letting the pipeline drain for 3 s ...");
    modelTimer.shutdown(); // a step under way ends first
    modelTimer.awaitTermination(30, TimeUnit.SECONDS);
    records.stop();
    recordThread.join();
    records.close();
    Thread.sleep(3000);
    Map<String, Long> metrics = ServingReport.countersIfAvailable(pipeline);
    try {
      pipeline.cancel();
      pipeline.waitUntilFinish(org.joda.time.Duration.standardSeconds(10));
    } catch (Exception e) {
      System.out.println("cancel: " + e);
    }
    printer.stop();
    printerThread.join();
    scenario.stop();
    modelPublisher.close();
    if (mode.talliesDecisions()) {
      tally.printAndReset(System.out);
    }
    System.out.printf("%nPublished %d records (%d bad on purpose); read back %d scored, %d for review and %d not"
        + " scored%s, and %d shadow comparisons.%n", records.sent(), records.sentBad(), printer.scored(),
        printer.review(), printer.failed(),
        printer.unserved() == 0 ? "" : " (" + printer.unserved() + " of them unserved: no model yet)",
        printer.comparisons());
    ServingReport.print(metrics, System.out, mode.printsModelCounters());
    scenario.report(System.out);
    broker.close();
    stopped.countDown();
    if (ctrlC.get()) {
      return STOPPED_BY_CTRL_C;
    }
    Runtime.getRuntime().removeShutdownHook(ctrlCHook);
    return 0;
  }
}

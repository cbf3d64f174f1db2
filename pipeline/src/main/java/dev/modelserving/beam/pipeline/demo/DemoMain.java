package dev.modelserving.beam.pipeline.demo;

import dev.modelserving.beam.pipeline.KafkaServing;
import dev.modelserving.beam.pipeline.ServingMain;
import dev.modelserving.beam.pipeline.ServingReport;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.testdata.WineSchema;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The one-command demo: starts a real Kafka broker on 127.0.0.1, publishes wine records and, every
 * few seconds, the next model of a cycle of PMML and TensorFlow models, runs the serving pipeline,
 * and prints every scored record with the model that scored it. Stops on Ctrl-C or after
 * {@code --durationSeconds}, then prints the serving metrics.
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) throws Exception {
    PipelineOptionsFactory.register(DemoOptions.class);
    DemoOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(DemoOptions.class);
    Path testdata = Paths.get(options.getTestdataDir());
    if (!testdata.resolve("wine.csv").toFile().isFile()) {
      throw new IllegalArgumentException("no test data at " + testdata.toAbsolutePath()
          + "; run the demo from the repository root or set --testdataDir");
    }
    if (options.getDataTypes().isEmpty()) {
      options.setDataTypes(WineSchema.DATA_TYPE); // so the demo's 'beer' record shows an unknown data type
    }
    EmbeddedKafkaBroker.quietKafkaLogging();
    System.out.println("Starting an embedded Kafka broker on 127.0.0.1 ...");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(options.getKafkaPort())) {
      run(options, args, broker, testdata);
    }
  }

  private static void run(DemoOptions options, String[] args, EmbeddedKafkaBroker broker, Path testdata)
      throws Exception {
    options.setBootstrapServers(broker.bootstrapServers());
    KafkaTopics.ensureTopics(broker.bootstrapServers(), KafkaTopics.servingTopics(options.getModelTopic(),
        options.getDataTopic(), options.getOutputTopic(), options.getDeadLetterTopic(), options.getTopicPartitions()));
    System.out.println("Kafka is up at " + broker.bootstrapServers() + "; topics: data '" + options.getDataTopic()
        + "', models '" + options.getModelTopic() + "' (compacted), output '" + options.getOutputTopic()
        + "', dead letters '" + options.getDeadLetterTopic() + "'");

    ModelPublisher modelPublisher = new ModelPublisher(broker.bootstrapServers());
    DemoModelCycle models = new DemoModelCycle(modelPublisher, options.getModelTopic(), testdata.resolve("models"));
    models.run();

    ServingMain.applyRunnerDefaults(options, args);
    PipelineResult pipeline = KafkaServing.build(options).run();

    DemoRecordPublisher records = new DemoRecordPublisher(broker.bootstrapServers(), options.getDataTopic(),
        testdata.resolve("wine.csv"), options.getRecordsPerSecond(), options.getBadRecordEvery());
    ConsolePrinter printer = new ConsolePrinter(broker.bootstrapServers(), options.getOutputTopic(),
        options.getDeadLetterTopic(), System.out);
    Thread recordThread = new Thread(records, "demo-records");
    Thread printerThread = new Thread(printer, "demo-console");
    ScheduledExecutorService modelTimer = Executors.newSingleThreadScheduledExecutor();
    recordThread.start();
    printerThread.start();
    modelTimer.scheduleAtFixedRate(models, options.getModelIntervalSeconds(), options.getModelIntervalSeconds(),
        TimeUnit.SECONDS);

    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean ctrlC = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      ctrlC.set(true);
      stop.countDown();
      try {
        stopped.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "demo-ctrl-c"));
    if (options.getDurationSeconds() > 0) {
      stop.await(options.getDurationSeconds(), TimeUnit.SECONDS);
    } else {
      System.out.println("Press Ctrl-C to stop.");
      stop.await();
    }

    System.out.println("\nStopping: no more records or models; letting the pipeline drain for 3 s ...");
    modelTimer.shutdownNow();
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
    modelPublisher.close();
    System.out.printf("%nPublished %d records (%d bad on purpose); printed %d scored and %d not scored.%n",
        records.sent(), records.sentBad(), printer.scored(), printer.failed());
    ServingReport.print(metrics, System.out);
    broker.close();
    stopped.countDown();
    if (!ctrlC.get()) {
      System.exit(0); // runner and client threads may linger; the JVM is already exiting after Ctrl-C
    }
  }
}

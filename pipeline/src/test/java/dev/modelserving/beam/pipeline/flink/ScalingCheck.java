package dev.modelserving.beam.pipeline.flink;

import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.pipeline.kafka.EmbeddedKafkaBroker;
import dev.modelserving.beam.pipeline.kafka.KafkaTopics;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.testdata.WineSchema;
import dev.modelserving.beam.testdata.pmml.WineForestTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Throughput of the serving job on a standalone Flink cluster at several parallelisms, on the same
 * input: records pre-loaded in the data topic of an embedded Kafka broker, each run a fresh job
 * (its own consumer group and output topic) that reads them all from the start. A run's throughput
 * comes from the output topic's end offsets, sampled every 50 ms: the middle 80% of
 * the records (from the 10% to the 90% point) divided by the time between those points, which
 * leaves out the job's start and its last stragglers. Runs alternate between the parallelisms and
 * the median of each is reported. A first, uncounted run at the highest parallelism warms every
 * TaskManager up (the JIT compiles the serving code once per TaskManager, which on 2 cores takes
 * tens of seconds of CPU).
 *
 * <p>Not a test: {@code runners-config/flink/scaling-check.sh} runs it (minutes; not part of CI).
 * Options: {@code --records=300000 --repeats=3 --parallelisms=1,2 --taskmanagers=1 --slots=2
 * --model=forest-200x8} (see {@link #describeModel}) {@code --warmUp=true --runTimeoutSeconds=900 --serveOptions=} (more serve options
 * for every job, space-separated).
 */
public final class ScalingCheck {
  private static final Pattern FOREST = Pattern.compile("forest-(\\d+)x(\\d+)");
  private ScalingCheck() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    int records = Integer.parseInt(o.get("records"));
    int repeats = Integer.parseInt(o.get("repeats"));
    int[] parallelisms = Arrays.stream(o.get("parallelisms").split(",")).mapToInt(Integer::parseInt).toArray();
    int partitions = Arrays.stream(parallelisms).max().orElse(1);
    Duration runTimeout = Duration.ofSeconds(Long.parseLong(o.get("runTimeoutSeconds")));
    List<String> serveOptions = o.get("serveOptions").isBlank() ? List.of() : List.of(o.get("serveOptions").trim().split("\\s+"));
    Path repo = ClusterScript.repoRoot();
    Path testdata = repo.resolve("testdata/files");

    EmbeddedKafkaBroker.quietKafkaLogging();
    Path clusterDir = Files.createTempDirectory("flink-scaling-check-");
    ClusterScript cluster = new ClusterScript(repo, clusterDir);
    Thread stopOnExit = cluster.stopOnExit();
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0);
    try {
      KafkaTopics.ensureTopics(kafka.bootstrapServers(),
          KafkaTopics.servingTopics("models", "records", null, null, partitions));
      preload(kafka.bootstrapServers(), testdata.resolve("wine.csv"), records, partitions);
      try (ModelPublisher publisher = new ModelPublisher(kafka.bootstrapServers())) {
        publisher.send("models", describeModel(o.get("model"), testdata, clusterDir));
      }
      int first = ClusterScript.freePortRange(8);
      ClusterScript.Result start = cluster.run(Duration.ofMinutes(3), "start",
          "--taskmanagers=" + o.get("taskmanagers"), "--slots=" + o.get("slots"),
          "--rest-port=" + ClusterScript.freePort(), "--rpc-port=" + ClusterScript.freePort(),
          "--prometheus-ports=" + first + "-" + (first + 7));
      check(start, "start");
      System.out.println(start.stdout());

      if (Boolean.parseBoolean(o.get("warmUp"))) {
        // the first job on a TaskManager compiles the serving code; no parallelism should pay for that
        run(cluster, kafka, partitions, 0, records, partitions, runTimeout, serveOptions);
      }
      Map<Integer, List<Double>> throughputs = new LinkedHashMap<>();
      for (int r = 1; r <= repeats; r++) {
        for (int p : parallelisms) {
          double perSecond = run(cluster, kafka, p, r, records, partitions, runTimeout, serveOptions);
          throughputs.computeIfAbsent(p, k -> new ArrayList<>()).add(perSecond);
        }
      }
      System.out.printf(Locale.ROOT, "%n%,d records, %s TaskManager(s) x %s slot(s), model %s, median of %d:%n",
          records, o.get("taskmanagers"), o.get("slots"), o.get("model"), repeats);
      double base = median(throughputs.get(parallelisms[0]));
      for (Map.Entry<Integer, List<Double>> e : throughputs.entrySet()) {
        double median = median(e.getValue());
        System.out.printf(Locale.ROOT, "  parallelism %d: %,8.0f records/s (runs: %s)  x%.2f%n", e.getKey(), median,
            e.getValue().stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).toList(), median / base);
      }
    } finally {
      try {
        ClusterScript.Result stop = cluster.run(Duration.ofMinutes(2), "stop");
        ClusterScript.keepRunningOnExit(stopOnExit);
        System.out.println(stop.stdout().strip());
        System.out.println("the cluster's logs: " + cluster.keepLogs(repo.resolve("pipeline/target/scaling-check/logs")));
      } finally {
        kafka.close();
        ModelArchives.deleteRecursively(clusterDir);
      }
    }
  }

  /** One job at {@code parallelism}: submits it, times its output, cancels it; returns records/s. */
  private static double run(ClusterScript cluster, EmbeddedKafkaBroker kafka, int parallelism, int repeat,
      int records, int partitions, Duration timeout, List<String> serveOptions) throws Exception {
    String suffix = "-p" + parallelism + "-r" + repeat;
    String output = "scored" + suffix;
    KafkaTopics.ensureTopics(kafka.bootstrapServers(),
        KafkaTopics.servingTopics(null, null, output, "dead-letters" + suffix, partitions));
    long submitted = System.currentTimeMillis();
    List<String> submitArgs = new ArrayList<>(List.of("submit",
        "--bootstrapServers=" + kafka.bootstrapServers(), "--dataTopic=records", "--modelTopic=models",
        "--outputTopic=" + output, "--deadLetterTopic=dead-letters" + suffix, "--consumerGroup=scaling" + suffix,
        "--dataTypes=wine", "--parallelism=" + parallelism));
    submitArgs.addAll(serveOptions);
    ClusterScript.Result submit = cluster.run(Duration.ofMinutes(4), submitArgs.toArray(String[]::new));
    check(submit, "submit");
    String jobId = ClusterScript.jobId(submit);
    OutputProgress progress;
    try {
      progress = OutputProgress.watch(kafka.bootstrapServers(), output, records, timeout);
    } finally {
      cluster.run(Duration.ofMinutes(2), "cancel", jobId);
    }
    int from = records / 10;
    int to = records * 9 / 10;
    double perSecond = (to - from) * 1000.0 / Math.max(1, progress.reached(to) - progress.reached(from));
    double overall = (records - 1) * 1000.0 / Math.max(1, progress.reached(records) - progress.reached(1));
    System.out.printf(Locale.ROOT,
        "%s, parallelism %d: %,.0f records/s (10%%-90%%), %,.0f records/s first-to-last, first output %.1f s after submit%n",
        repeat == 0 ? "warm-up (not counted)" : "run " + repeat, parallelism, perSecond, overall,
        (progress.reached(1) - submitted) / 1000.0);
    try (Admin admin = kafka.admin()) {
      admin.deleteTopics(List.of(output)).all().get(); // its 1 GB of JSON is not needed again
    }
    return perSecond;
  }

  /**
   * The model to serve: {@code forest-<trees>x<depth>} is a random forest grown here (PMML, its
   * cost per record grows with its trees), {@code wine-mlp} the TensorFlow SavedModel fed the eleven numeric features,
   * any other name a file of testdata/files/models.
   */
  static ModelDescriptor describeModel(String model, Path testdata, Path workDir) throws IOException {
    Matcher forest = FOREST.matcher(model);
    PublishOptions options = new PublishOptions().name(model.replaceFirst("\\.[a-z]+$", "")).dataType("wine")
        .version("1");
    if (forest.matches()) {
      Path file = WineForestTrainer.train(testdata.resolve("wine.csv"), workDir, 42,
          WineForestTrainer.Params.of(Integer.parseInt(forest.group(1)), Integer.parseInt(forest.group(2))));
      return ModelPublisher.describe(file, options);
    }
    Path file = testdata.resolve("models").resolve(model);
    if (model.equals("wine-mlp")) {
      options.tensorColumns(WineSchema.NUMERIC_FEATURES);
    }
    return ModelPublisher.describe(file, options);
  }

  /** Wine rows, cycled and renumbered, spread evenly over the partitions. */
  private static void preload(String bootstrapServers, Path wineCsv, int records, int partitions) throws Exception {
    List<String> rows = Files.readAllLines(wineCsv, StandardCharsets.UTF_8);
    rows = rows.subList(1, rows.size());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    long started = System.nanoTime();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < records; i++) {
        String row = rows.get(i % rows.size());
        producer.send(new ProducerRecord<>("records", i % partitions, null, "s-" + i + row.substring(row.indexOf(','))));
      }
      producer.flush();
    }
    System.out.printf(Locale.ROOT, "pre-loaded %,d records in %.1f s%n", records, (System.nanoTime() - started) / 1e9);
  }

  /**
   * When the output topic's end offsets reached each count, sampled every 50 ms: the broker's
   * offsets, not a consumer of the output, so that measuring takes no CPU from the job.
   */
  private record OutputProgress(long[] atMillis, long[] total) {
    static OutputProgress watch(String bootstrapServers, String topic, int count, Duration timeout) throws Exception {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      List<Long> times = new ArrayList<>();
      List<Long> totals = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(topic, info.partition())).toList();
        long reached = 0;
        while (reached < count) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("only " + reached + " of " + count + " records came out on " + topic
                + " within " + timeout.toSeconds() + " s");
          }
          reached = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
          times.add(System.currentTimeMillis());
          totals.add(reached);
          Thread.sleep(50);
        }
      }
      return new OutputProgress(times.stream().mapToLong(Long::longValue).toArray(),
          totals.stream().mapToLong(Long::longValue).toArray());
    }

    /** The first sample time at which at least {@code n} records were out. */
    long reached(long n) {
      for (int i = 0; i < total.length; i++) {
        if (total[i] >= n) {
          return atMillis[i];
        }
      }
      throw new IllegalArgumentException(n + " records never came out");
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static void check(ClusterScript.Result result, String command) {
    if (result.exitCode() != 0) {
      throw new IllegalStateException("cluster.sh " + command + " failed: " + result.describe());
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> defaults = new LinkedHashMap<>(Map.of("records", "300000", "repeats", "3",
        "parallelisms", "1,2", "taskmanagers", "1", "slots", "2", "model", "forest-200x8", "warmUp", "true",
        "runTimeoutSeconds", "900"));
    defaults.put("serveOptions", "");
    return CheckOptions.parse(args, defaults);
  }
}

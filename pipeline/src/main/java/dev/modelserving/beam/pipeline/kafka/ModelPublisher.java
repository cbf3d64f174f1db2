package dev.modelserving.beam.pipeline.kafka;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.ModelArchives;
import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a model to the model topic: builds a {@link ModelDescriptor} from a model file and
 * {@link PublishOptions}, and sends it with key {@link KafkaTopics#modelKey(ModelDescriptor)} and
 * the descriptor's protobuf bytes as value, waiting for the broker's acknowledgement. {@link #send}
 * also sends the set operations of {@code ModelDescriptors} (remove, rollback, route).
 *
 * <p>Formats inferred from the file name (override with {@link PublishOptions#format}):
 * {@code .pmml} -> {@value #PMML}; a SavedModel directory (zipped here) or a {@code .zip} ->
 * {@value #TF_SAVED_MODEL}; {@code .pb} -> {@value #TF_FROZEN_GRAPH}.
 */
public final class ModelPublisher implements AutoCloseable {
  public static final String PMML = "pmml";
  public static final String TF_SAVED_MODEL = "tensorflow-saved-model";
  public static final String TF_FROZEN_GRAPH = "tensorflow-frozen-graph";

  private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);
  private static final long ACK_TIMEOUT_SECONDS = 60;

  private final Producer<String, byte[]> producer;
  private final boolean ownsProducer;
  /** The producer's configuration, for error messages (its brokers and security); empty for a caller's producer. */
  private final Map<String, Object> config;

  /** A publisher with its own producer for these brokers (acks=all, idempotent, lz4). */
  public ModelPublisher(String bootstrapServers) {
    this(bootstrapServers, KafkaClientConfig.none());
  }

  /**
   * A publisher with its own producer for these brokers, with the user's settings ({@code
   * clients}: security, timeouts) over the defaults of {@link #producerConfig(String)}.
   */
  public ModelPublisher(String bootstrapServers, KafkaClientConfig clients) {
    this(producerConfig(bootstrapServers, clients));
  }

  private ModelPublisher(Map<String, Object> config) {
    this(new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()), true, config);
  }

  /** A publisher over a producer the caller owns (and closes). */
  public ModelPublisher(Producer<String, byte[]> producer) {
    this(producer, false, Map.of());
  }

  private ModelPublisher(Producer<String, byte[]> producer, boolean ownsProducer, Map<String, Object> config) {
    this.producer = producer;
    this.ownsProducer = ownsProducer;
    this.config = config;
  }

  /** Producer settings for model messages: durable, and large enough for big models. */
  public static Map<String, Object> producerConfig(String bootstrapServers) {
    return producerConfig(bootstrapServers, KafkaClientConfig.none());
  }

  /** {@link #producerConfig(String)} with the user's settings ({@code clients}) over those defaults. */
  public static Map<String, Object> producerConfig(String bootstrapServers, KafkaClientConfig clients) {
    return clients.producerConfig(bootstrapServers, Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaTopics.MAX_MODEL_MESSAGE_BYTES + 1024 * 1024,
        ProducerConfig.BUFFER_MEMORY_CONFIG, (long) KafkaTopics.MAX_MODEL_MESSAGE_BYTES * 2,
        // a missing topic fails after this instead of the default 60 s
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 45_000), Map.of());
  }

  /**
   * Builds the descriptor of a model file: reads (or zips) its bytes, or only records its
   * location if {@link PublishOptions#location} / {@link PublishOptions#locationOfFile} was set.
   * Does not touch Kafka. {@code file} may be null when an explicit location is given.
   *
   * @throws NoSuchFileException if the file does not exist
   * @throws IllegalArgumentException if a required field is missing or the format cannot be inferred
   */
  public static ModelDescriptor describe(Path file, PublishOptions options) throws IOException {
    require(options.name(), "name", "--name");
    require(options.dataType(), "data type", "--dataType");
    require(options.version(), "version", "--version");
    KafkaTopics.modelKey(options.dataType(), options.name()); // validates the key parts
    if (file == null && !(options.byLocation() && options.location() != null)) {
      throw new IllegalArgumentException("no model file given (--file), and no --location URI to send instead");
    }
    if (file != null && !Files.exists(file)) {
      throw new NoSuchFileException(file.toAbsolutePath().toString(), null,
          "model file not found; pass an existing .pmml, .zip or .pb file or a SavedModel directory");
    }
    String format = options.format() != null && !options.format().isEmpty()
        ? options.format()
        : file != null ? inferFormat(file) : inferFormatFromName(lastPathSegment(options.location()));

    ModelDescriptor.Builder d = ModelDescriptor.newBuilder()
        .setName(options.name())
        .setDescription(options.description())
        .setDataType(options.dataType())
        .setVersion(options.version())
        .setFormat(format)
        .setUuid(options.uuid() != null && !options.uuid().isEmpty() ? options.uuid() : UUID.randomUUID().toString())
        .setCreatedAtMillis(options.createdAtMillis() != null ? options.createdAtMillis() : System.currentTimeMillis())
        .setInputMapping(options.inputMapping())
        .setOutputMapping(options.outputMapping());
    if (options.byLocation()) {
      d.setLocation(options.location() != null ? options.location() : fileLocation(file));
    } else {
      d.setModelBytes(ByteString.copyFrom(readModel(file)));
    }
    return d.build();
  }

  /**
   * The format id implied by a file name: {@code .pmml}, a directory or {@code .zip}, {@code .pb}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static String inferFormat(Path file) {
    if (Files.isDirectory(file)) {
      return TF_SAVED_MODEL;
    }
    return inferFormatFromName(file.getFileName() == null ? file.toString() : file.getFileName().toString());
  }

  /** The format id implied by a file name (not a directory), as {@link #inferFormat}. */
  public static String inferFormatFromName(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    if (name.endsWith(".pmml")) {
      return PMML;
    }
    if (name.endsWith(".zip")) {
      return TF_SAVED_MODEL;
    }
    if (name.endsWith(".pb")) {
      return TF_FROZEN_GRAPH;
    }
    throw new IllegalArgumentException(
        "cannot infer the model format of '" + fileName + "': expected a .pmml file, a SavedModel directory or .zip, "
            + "or a .pb frozen graph; give the format explicitly (--format pmml|" + TF_SAVED_MODEL + "|"
            + TF_FROZEN_GRAPH + "|...)");
  }

  /**
   * Sends a descriptor to a topic and waits for the acknowledgement. The message key is {@link
   * KafkaTopics#modelKey(ModelDescriptor)}, chosen for the compacted model topic, which keeps the
   * latest message of every key:
   *
   * <ul>
   *   <li>an add (the default action) and a remove: {@code dataType/name}, so the latest add of a
   *       model is kept, and a remove compacts its adds away;
   *   <li>a rollback: {@code dataType/name/rollback}, so compaction keeps the added version it
   *       refers to;
   *   <li>a route: {@code dataType/_routing}, so the latest routing of a data type wins.
   * </ul>
   *
   * <p>Set operations (remove, rollback, route) are checked with {@link
   * ModelDescriptors#checkOperation} first; adds are sent as they are.
   *
   * @throws IllegalArgumentException if the topic is empty, the key cannot be formed, or a set
   *     operation is incomplete
   * @throws IllegalStateException if the broker does not acknowledge it (missing topic, too large, ...)
   */
  public RecordMetadata send(String topic, ModelDescriptor descriptor) {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("no model topic given (--topic)");
    }
    String key = KafkaTopics.modelKey(descriptor);
    if (!ModelDescriptors.isAdd(descriptor)) {
      checkOperation(descriptor);
    }
    byte[] value = descriptor.toByteArray();
    if (value.length > KafkaTopics.MAX_MODEL_MESSAGE_BYTES) {
      throw new IllegalArgumentException(
          "model " + ModelDescriptors.describe(descriptor) + " is " + value.length + " bytes, more than the "
              + KafkaTopics.MAX_MODEL_MESSAGE_BYTES + " bytes a model message may have; publish it by location instead");
    }
    String action = "publish " + ModelDescriptors.describe(descriptor) + " to topic '" + topic + "'";
    try {
      RecordMetadata ack = producer.send(new ProducerRecord<>(topic, key, value)).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      LOG.info("published {}{} ({} bytes) to {}-{} at offset {} with key '{}'",
          ModelDescriptors.isAdd(descriptor) ? "model " : "", ModelDescriptors.describe(descriptor), value.length,
          ack.topic(), ack.partition(), ack.offset(), key);
      return ack;
    } catch (ExecutionException e) {
      throw accessProblemOr(action, e, new IllegalStateException(
          "Kafka did not accept model message " + ModelDescriptors.describe(descriptor) + " on topic '" + topic + "': "
              + e.getCause() + " (does the topic exist? create it with KafkaTopics.ensureTopics)", e.getCause()));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw accessProblemOr(action, e, new IllegalStateException(
          "cannot send model to topic '" + topic + "': " + e.getMessage() + " (is the broker up and does the topic exist?)", e));
    } catch (org.apache.kafka.common.errors.AuthenticationException
        | org.apache.kafka.common.errors.AuthorizationException e) {
      throw accessProblemOr(action, e, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no acknowledgement from Kafka for the model within " + ACK_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing a model", e);
    }
  }

  /** Kafka's refusal of the credentials or of the operation as a {@link KafkaAccessException}, else {@code otherwise}. */
  private RuntimeException accessProblemOr(String action, Exception e, RuntimeException otherwise) {
    if (config.isEmpty()) {
      return otherwise; // a caller's producer: its brokers and security are unknown here
    }
    KafkaAccessException refusal = KafkaAccessException.refusal(action, config, e);
    return refusal != null ? refusal : otherwise;
  }

  /**
   * {@link ModelDescriptors#checkOperation}, its complaint as an {@link IllegalArgumentException}.
   */
  static void checkOperation(ModelDescriptor descriptor) {
    try {
      ModelDescriptors.checkOperation(descriptor);
    } catch (ModelLoadException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** {@link #describe} then {@link #send}: publishes a model file and returns what was sent. */
  public ModelDescriptor publish(String topic, Path file, PublishOptions options) throws IOException {
    ModelDescriptor descriptor = describe(file, options);
    send(topic, descriptor);
    return descriptor;
  }

  @Override
  public void close() {
    if (ownsProducer) {
      producer.close();
    }
  }

  private static byte[] readModel(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      if (!Files.exists(file.resolve("saved_model.pb")) && !Files.exists(file.resolve("saved_model.pbtxt"))) {
        LOG.warn("directory {} has no saved_model.pb; it is zipped as it is", file);
      }
      return ModelArchives.zipDirectory(file);
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length == 0) {
      throw new IllegalArgumentException("model file " + file.toAbsolutePath() + " is empty");
    }
    return bytes;
  }

  private static String fileLocation(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(
          "a model directory cannot be published by location (" + file + "): a location must name one file; "
              + "zip the directory and publish the .zip's location, or send the bytes");
    }
    return file.toAbsolutePath().normalize().toUri().toString();
  }

  private static String lastPathSegment(String uri) {
    String path;
    try {
      path = URI.create(uri).getPath();
    } catch (IllegalArgumentException e) {
      path = uri;
    }
    if (path == null) {
      path = uri;
    }
    int slash = path.lastIndexOf('/');
    String last = slash >= 0 ? path.substring(slash + 1) : path;
    return last.isEmpty() ? "model" : last;
  }

  private static void require(String value, String what, String flag) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("the model's " + what + " is required (" + flag + ")");
    }
  }
}

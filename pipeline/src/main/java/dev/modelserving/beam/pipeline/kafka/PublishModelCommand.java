package dev.modelserving.beam.pipeline.kafka;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.ModelSignatures;
import dev.modelserving.beam.model.SigningKeys;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.Verbose;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The {@code publish-model} command: publishes a model file (or its location) to the model topic,
 * or, with {@code --remove} or {@code --rollback}, a set operation on a model already published.
 * Run with {@code --help} for the options. Options take {@code --name value} or {@code
 * --name=value}.
 */
public final class PublishModelCommand {
  static final String USAGE = String.join("\n",
      "Usage: publish-model --bootstrapServers HOST:PORT --topic TOPIC --file PATH --name NAME --dataType TYPE --version V [options]",
      "       publish-model --bootstrapServers HOST:PORT --topic TOPIC --remove --dataType TYPE --name NAME",
      "       publish-model --bootstrapServers HOST:PORT --topic TOPIC --rollback --dataType TYPE --name NAME [--version V]",
      "",
      "Publishes a model to the (compacted) model topic as a ModelDescriptor protobuf, key DATATYPE/NAME;",
      "it is added to the models of its data type, or replaces the model of the same name (kept as its previous version).",
      "The topic is created (compacted, 1 partition) if it does not exist.",
      "",
      "Required:",
      "  --bootstrapServers HOST:PORT  Kafka brokers",
      "  --topic TOPIC                 the model topic",
      "  --file PATH                   a .pmml file, a SavedModel directory (zipped), a SavedModel .zip or a frozen-graph .pb",
      "                                (may be left out when --location URI is given)",
      "  --name NAME                   model name, e.g. wine-quality-tree",
      "  --dataType TYPE               the data type (record stream) it serves, e.g. wine",
      "  --version V                   model version",
      "Optional:",
      "  --format ID                   format id instead of the one inferred from the file name:",
      "                                pmml, tensorflow-saved-model, tensorflow-frozen-graph, ...",
      "  --uuid ID                     model uuid (default: a random UUID)",
      "  --description TEXT            free text",
      "  --location [URI]              send only a location instead of the bytes: URI (file:///..., gs://...),",
      "                                or without a value the absolute file: URI of --file",
      "  --tensorColumns a,b,c         record fields of the single [-1, n] float tensor input, in column order",
      "  --tensorInput NAME            name of that tensor input (signature key or graph operation)",
      "  --outputs a,b                 output names that make up the result",
      "  --signature NAME              SavedModel signature (default serving_default)",
      "  --labels a,b                  class labels of a probability-vector output, in index order",
      "  --inputMapping 'in=field;...' model input name = record field name, separated by ';'",
      "  --signingKey FILE             sign the message with this private key (a .key file of the keygen command);",
      "                                a model by location is signed over the bytes at the location, read now",
      "  --help                        print this help",
      "Set operations on a published model (no --file; only --dataType and --name, and --version for a rollback):",
      "  --remove                      remove model NAME (and its previous version) from data type TYPE; key DATATYPE/NAME,",
      "                                so compaction drops the model's adds",
      "  --rollback                    make the previous version of model NAME current again; with --version V only if",
      "                                that previous version is V. Key DATATYPE/NAME/rollback",
      String.join("\n", KafkaClientConfig.USAGE),
      "See also the route command for splitting traffic among the models of a data type.");

  private static final Set<String> VALUE_OPTIONS = withKafkaClientOptions(
      "bootstrapServers", "topic", "file", "name", "dataType", "version", "format", "uuid", "description",
      "tensorColumns", "tensorInput", "outputs", "signature", "labels", "inputMapping", "signingKey");
  private static final Set<String> FLAG_OPTIONS = Set.of("remove", "rollback");
  private static final Set<String> OPTIONAL_VALUE_OPTIONS = Set.of("location");

  /** The options a remove takes; a rollback also takes --version. */
  private static final Set<String> OPERATION_OPTIONS =
      Set.of("bootstrapServers", "topic", "dataType", "name", "signingKey");

  private PublishModelCommand() {}

  /** A command's value options and the Kafka client options every command takes ({@link KafkaClientConfig#OPTIONS}). */
  static Set<String> withKafkaClientOptions(String... options) {
    Set<String> all = new HashSet<>(Set.of(options));
    all.addAll(KafkaClientConfig.OPTIONS);
    return Set.copyOf(all);
  }

  /** Runs the command; exits the JVM with status 1 on failure and 2 on bad arguments. */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the command and returns its exit status: 0 ok, 1 failure, 2 bad arguments. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      return badArguments("publish-model", e, err);
    }
    if (options.containsKey("help")) {
      out.println(USAGE);
      return 0;
    }
    ModelDescriptor descriptor;
    KafkaClientConfig clients;
    try {
      requireOption(options, "bootstrapServers");
      requireOption(options, "topic");
      clients = KafkaClientConfig.fromCommandOptions(options);
      descriptor = descriptor(options);
      if (options.containsKey("signingKey")) {
        descriptor = sign(descriptor, options.get("signingKey"));
      }
    } catch (NoSuchFileException e) {
      err.println("publish-model: " + (e.getFile() != null && e.getFile().equals(options.get("signingKey"))
          ? "signing key file not found: " : "model file not found: ") + e.getFile());
      return 2;
    } catch (IllegalArgumentException e) {
      return badArguments("publish-model", e, err);
    } catch (IOException e) {
      err.println("publish-model: cannot read the model: " + e);
      return 1;
    }
    return publish("publish-model", options.get("bootstrapServers"), options.get("topic"), descriptor, clients,
        out, err);
  }

  /**
   * The message that parsed options describe: a remove ({@code --remove}), a rollback ({@code
   * --rollback}) or else the model file to add.
   *
   * @throws IllegalArgumentException if an option is missing, or given with an operation it does not go with
   */
  static ModelDescriptor descriptor(Map<String, String> options) throws IOException {
    boolean remove = options.containsKey("remove");
    boolean rollback = options.containsKey("rollback");
    if (remove && rollback) {
      throw new IllegalArgumentException("--remove and --rollback exclude each other; give one of them");
    }
    if (!remove && !rollback) {
      return ModelPublisher.describe(
          options.containsKey("file") ? Path.of(options.get("file")) : null, toPublishOptions(options));
    }
    String operation = remove ? "remove" : "rollback";
    for (String option : options.keySet()) {
      boolean allowed = OPERATION_OPTIONS.contains(option) || KafkaClientConfig.OPTIONS.contains(option)
          || option.equals(operation)
          || (rollback && option.equals("version"));
      if (!allowed) {
        throw new IllegalArgumentException("option --" + option + " does not go with --" + operation + " (it takes only "
            + "--dataType and --name" + (rollback ? ", and optionally --version" : "") + ")");
      }
    }
    requireOption(options, "dataType");
    requireOption(options, "name");
    ModelDescriptor d = remove
        ? ModelDescriptors.remove(options.get("dataType"), options.get("name"))
        : ModelDescriptors.rollback(options.get("dataType"), options.get("name"), options.get("version"));
    KafkaTopics.modelKey(d); // validates the key parts
    ModelPublisher.checkOperation(d);
    return d;
  }

  /**
   * Creates the model topic if it is missing and sends one message to it, with the user's Kafka
   * client settings ({@code clients}), printing what was sent; returns the exit status: 0 sent, 1
   * failure (one line on {@code err}, e.g. Kafka refusing the credentials).
   */
  static int publish(String command, String bootstrapServers, String topic, ModelDescriptor descriptor,
      KafkaClientConfig clients, PrintStream out, PrintStream err) {
    try {
      KafkaReachability.require(bootstrapServers, "publish to '" + topic + "'");
      KafkaTopics.ensureTopics(bootstrapServers, Map.of(topic, KafkaTopics.TopicSpec.modelTopic()), clients);
      try (ModelPublisher publisher = new ModelPublisher(bootstrapServers, clients)) {
        RecordMetadata ack = publisher.send(topic, descriptor);
        out.printf("published %s%s to %s-%d at offset %d (key %s)%n",
            ModelDescriptors.isAdd(descriptor) ? "model " : "", ModelDescriptors.describe(descriptor),
            ack.topic(), ack.partition(), ack.offset(), KafkaTopics.modelKey(descriptor));
      }
      return 0;
    } catch (RuntimeException e) {
      Verbose.trace(e, err);
      err.println(command + ": " + KafkaAccessException.withCauses(e));
      return 1;
    }
  }

  /** Prints a bad-arguments message and returns exit status 2. */
  static int badArguments(String command, IllegalArgumentException e, PrintStream err) {
    Verbose.trace(e, err);
    err.println(command + ": " + e.getMessage());
    err.println("Run with --help for the options.");
    return 2;
  }

  /** {@link #parse(String[], Set, Set, Set)}, for commands of other packages. */
  public static Map<String, String> parseOptions(
      String[] args, Set<String> valueOptions, Set<String> flagOptions, Set<String> optionalValueOptions) {
    return parse(args, valueOptions, flagOptions, optionalValueOptions);
  }

  /**
   * {@code d} signed with the private key in {@code keyFile} (see {@link SigningKeys}): a model over
   * its bytes, or over the bytes at its location (read now); a set operation over its fields.
   */
  static ModelDescriptor sign(ModelDescriptor d, String keyFile) throws IOException {
    SigningKeys.SigningKey key = SigningKeys.readPrivate(Path.of(keyFile));
    byte[] content = new byte[0];
    if (ModelDescriptors.isAdd(d)) {
      try {
        content = ModelDescriptors.resolveLocation(d).getModelBytes().toByteArray();
      } catch (ModelLoadException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return ModelSignatures.sign(d, content, key.key, key.keyId);
  }

  /** {@link #parse(String[], Set, Set, Set)} with the options of {@code publish-model}. */
  static Map<String, String> parse(String[] args) {
    return parse(args, VALUE_OPTIONS, FLAG_OPTIONS, OPTIONAL_VALUE_OPTIONS);
  }

  /**
   * Parses {@code --name value} / {@code --name=value} arguments into a map. {@code --help} (or
   * {@code -h}) is always known and maps to "".
   *
   * @param valueOptions options that need a value
   * @param flagOptions options that take no value; they map to ""
   * @param optionalValueOptions options whose value may be left out (then they map to ""); a next
   *     argument that does not start with "--" is their value
   * @throws IllegalArgumentException for unknown or repeated options, value-less value options and
   *     flags with a value
   */
  static Map<String, String> parse(
      String[] args, Set<String> valueOptions, Set<String> flagOptions, Set<String> optionalValueOptions) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h")) {
        arg = "--help";
      }
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "': options look like --name value");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (name.equals("help")) {
        value = "";
      } else if (flagOptions.contains(name)) {
        if (value != null) {
          throw new IllegalArgumentException("option --" + name + " takes no value (was '" + value + "')");
        }
        value = "";
      } else if (optionalValueOptions.contains(name)) {
        if (value == null) {
          boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
          value = hasValue ? args[++i] : "";
        }
      } else if (valueOptions.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new IllegalArgumentException("option --" + name + " needs a value");
          }
          value = args[++i];
        }
      } else {
        throw new IllegalArgumentException("unknown option --" + name);
      }
      if (options.put(name, value) != null) {
        throw new IllegalArgumentException("option --" + name + " is given twice");
      }
    }
    return options;
  }

  /** The {@link PublishOptions} that parsed options describe. */
  static PublishOptions toPublishOptions(Map<String, String> o) {
    PublishOptions p = new PublishOptions()
        .name(o.get("name"))
        .dataType(o.get("dataType"))
        .version(o.get("version"))
        .format(o.get("format"))
        .uuid(o.get("uuid"))
        .description(o.get("description"));
    if (o.containsKey("location")) {
      String uri = o.get("location");
      if (uri.isEmpty()) {
        p.locationOfFile();
      } else {
        p.location(uri);
      }
    }
    if (o.containsKey("tensorColumns")) {
      p.tensorColumns(list(o.get("tensorColumns")));
    }
    if (o.containsKey("tensorInput")) {
      p.tensorInput(o.get("tensorInput"));
    }
    if (o.containsKey("outputs")) {
      p.outputs(list(o.get("outputs")));
    }
    if (o.containsKey("signature")) {
      p.signature(o.get("signature"));
    }
    if (o.containsKey("labels")) {
      p.labels(list(o.get("labels")));
    }
    if (o.containsKey("inputMapping")) {
      p.inputMapping(inputMapping(o.get("inputMapping")));
    }
    return p;
  }

  /** Splits a comma-separated list, trimming items and dropping empty ones: "a, b,,c" -> [a, b, c]. */
  public static List<String> list(String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.trim().isEmpty()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  /**
   * Parses an input mapping, {@code 'model input=record field'} entries separated by ';':
   * "in1=field1; in2=field2" -> {in1: field1, in2: field2}.
   *
   * @throws IllegalArgumentException for an entry without '=' or with an empty side
   */
  public static Map<String, String> inputMapping(String value) {
    Map<String, String> mapping = new LinkedHashMap<>();
    for (String pair : value.split(";")) {
      if (pair.trim().isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String input = eq < 0 ? "" : pair.substring(0, eq).trim();
      String field = eq < 0 ? "" : pair.substring(eq + 1).trim();
      if (input.isEmpty() || field.isEmpty()) {
        throw new IllegalArgumentException(
            "bad --inputMapping entry '" + pair.trim() + "': expected 'model input=record field', entries separated by ';'");
      }
      mapping.put(input, field);
    }
    return mapping;
  }

  /**
   * Fails unless option {@code name} was given with a non-empty value.
   *
   * @throws IllegalArgumentException naming the option
   */
  static void requireOption(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("option --" + name + " is required");
    }
  }
}

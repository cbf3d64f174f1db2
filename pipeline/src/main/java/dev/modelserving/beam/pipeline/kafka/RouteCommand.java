package dev.modelserving.beam.pipeline.kafka;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code route} command: publishes the traffic routing of a data type (a ROUTE message, key
 * {@code dataType/_routing}) to the model topic: a weighted split among its models, one active
 * model, shadow models, or no routing at all. Run with {@code --help} for the options.
 */
public final class RouteCommand {
  static final String USAGE = String.join("\n",
      "Usage: route --bootstrapServers HOST:PORT --topic TOPIC --dataType TYPE [--weights a=90,b=10 | --active NAME]",
      "             [--shadows c,d]",
      "       route --bootstrapServers HOST:PORT --topic TOPIC --dataType TYPE --clear",
      "",
      "Replaces the routing of a data type: how its records are split among its models. Publishes a ROUTE message",
      "to the (compacted) model topic with key DATATYPE/_routing, so the latest routing of a data type is kept.",
      "The topic is created (compacted, 1 partition) if it does not exist.",
      "",
      "Required:",
      "  --bootstrapServers HOST:PORT  Kafka brokers",
      "  --topic TOPIC                 the model topic",
      "  --dataType TYPE               the data type (record stream) whose traffic is routed, e.g. wine",
      "Routing (at least one):",
      "  --weights NAME=W,...          weighted split among models (A/B test, canary), e.g. tree=90,forest=10;",
      "                                weights are relative (need not sum to 100), not negative, and sum to more than 0",
      "  --active NAME                 blue/green: all traffic to model NAME (same as --weights NAME=1)",
      "  --shadows NAME,...            shadow models: they also score every record, their answers are only compared",
      "  --clear                       an empty routing: the newest model serves everything again",
      "                                (not with --weights, --active or --shadows)",
      "  --signingKey FILE             sign the message with this private key (a pipeline with --trustedKeys",
      "                                refuses unsigned routing messages)",
      "  --help                        print this help",
      String.join("\n", KafkaClientConfig.USAGE));

  private static final Set<String> VALUE_OPTIONS = PublishModelCommand.withKafkaClientOptions(
      "bootstrapServers", "topic", "dataType", "weights", "active", "shadows", "signingKey");
  private static final Set<String> FLAG_OPTIONS = Set.of("clear");

  private RouteCommand() {}

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
    ModelDescriptor descriptor;
    KafkaClientConfig clients;
    try {
      options = parse(args);
      if (options.containsKey("help")) {
        out.println(USAGE);
        return 0;
      }
      PublishModelCommand.requireOption(options, "bootstrapServers");
      PublishModelCommand.requireOption(options, "topic");
      clients = KafkaClientConfig.fromCommandOptions(options);
      descriptor = descriptor(options);
      if (options.containsKey("signingKey")) {
        descriptor = PublishModelCommand.sign(descriptor, options.get("signingKey"));
      }
    } catch (IllegalArgumentException e) {
      return PublishModelCommand.badArguments("route", e, err);
    } catch (java.io.IOException e) {
      err.println("route: cannot read the signing key: " + e.getMessage());
      return 2;
    }
    return PublishModelCommand.publish("route", options.get("bootstrapServers"), options.get("topic"), descriptor,
        clients, out, err);
  }

  /** Parses the options of {@code route}, as {@link PublishModelCommand#parse(String[], Set, Set, Set)}. */
  static Map<String, String> parse(String[] args) {
    return PublishModelCommand.parse(args, VALUE_OPTIONS, FLAG_OPTIONS, Set.of());
  }

  /**
   * The ROUTE message that parsed options describe, checked with {@link
   * ModelDescriptors#checkOperation}.
   *
   * @throws IllegalArgumentException naming the option that is missing, malformed or in conflict
   */
  static ModelDescriptor descriptor(Map<String, String> options) {
    PublishModelCommand.requireOption(options, "dataType");
    String dataType = options.get("dataType");
    KafkaTopics.routingKey(dataType); // validates the data type as a key part
    ModelDescriptor d = ModelDescriptors.route(dataType, routing(options));
    try {
      ModelPublisher.checkOperation(d);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad --weights: " + e.getMessage(), e);
    }
    return d;
  }

  /**
   * The routing that parsed options describe.
   *
   * @throws IllegalArgumentException if no routing option is given, or options exclude each other
   */
  static Routing routing(Map<String, String> options) {
    boolean weights = options.containsKey("weights");
    boolean active = options.containsKey("active");
    boolean shadows = options.containsKey("shadows");
    if (options.containsKey("clear")) {
      if (weights || active || shadows) {
        throw new IllegalArgumentException(
            "--clear sends an empty routing; it does not go with --weights, --active or --shadows");
      }
      return Routing.getDefaultInstance();
    }
    if (weights && active) {
      throw new IllegalArgumentException(
          "--weights and --active exclude each other (--active NAME is the same as --weights NAME=1)");
    }
    if (!weights && !active && !shadows) {
      throw new IllegalArgumentException("no routing given: use --weights, --active, --shadows or --clear");
    }
    Routing.Builder r = Routing.newBuilder();
    if (weights) {
      r.addAllWeights(weights(options.get("weights")));
    }
    if (active) {
      String name = options.get("active").trim();
      if (name.isEmpty() || name.contains(",") || name.contains("=")) {
        throw new IllegalArgumentException("--active takes one model name, was '" + options.get("active") + "'");
      }
      r.addWeights(ModelWeight.newBuilder().setModel(name).setWeight(1));
    }
    if (shadows) {
      r.addAllShadows(shadows(options.get("shadows")));
    }
    return r.build();
  }

  /**
   * Parses {@code --weights}: {@code name=weight} entries separated by ',', in the given order:
   * "tree=90, forest=10" -> [tree 90.0, forest 10.0]. Weights are decimal numbers; whether they are
   * allowed (not negative, sum above 0) is left to {@link ModelDescriptors#checkOperation}.
   *
   * @throws IllegalArgumentException for an entry that is not {@code name=number}, a model named
   *     twice, or no entry at all
   */
  public static List<ModelWeight> weights(String value) {
    List<ModelWeight> weights = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String entry : PublishModelCommand.list(value)) {
      int eq = entry.indexOf('=');
      String model = eq < 0 ? "" : entry.substring(0, eq).trim();
      String weight = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (model.isEmpty() || weight.isEmpty()) {
        throw new IllegalArgumentException(
            "bad --weights entry '" + entry + "': expected model=weight, e.g. --weights tree=90,forest=10");
      }
      if (!seen.add(model)) {
        throw new IllegalArgumentException("model '" + model + "' is given twice in --weights");
      }
      weights.add(ModelWeight.newBuilder().setModel(model).setWeight(number(entry, weight)).build());
    }
    if (weights.isEmpty()) {
      throw new IllegalArgumentException("--weights names no model; expected model=weight, e.g. tree=90,forest=10");
    }
    return weights;
  }

  /**
   * Parses {@code --shadows}: model names separated by ',', in the given order.
   *
   * @throws IllegalArgumentException for a model named twice, or no model at all
   */
  public static List<String> shadows(String value) {
    List<String> shadows = PublishModelCommand.list(value);
    if (shadows.isEmpty()) {
      throw new IllegalArgumentException("--shadows names no model; expected model names separated by ','");
    }
    Set<String> seen = new HashSet<>();
    for (String shadow : shadows) {
      if (!seen.add(shadow)) {
        throw new IllegalArgumentException("model '" + shadow + "' is given twice in --shadows");
      }
    }
    return shadows;
  }

  private static double number(String entry, String weight) {
    try {
      return new BigDecimal(weight).doubleValue();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "bad --weights entry '" + entry + "': weight '" + weight + "' is not a number", e);
    }
  }
}

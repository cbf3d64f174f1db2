package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.demo.DemoMain;
import dev.modelserving.beam.pipeline.kafka.KafkaCommand;
import dev.modelserving.beam.pipeline.kafka.PublishModelCommand;
import dev.modelserving.beam.pipeline.kafka.RouteCommand;
import dev.modelserving.beam.pipeline.kafka.StatusCommand;
import dev.modelserving.beam.pipeline.training.TrainMain;
import java.util.Arrays;

/**
 * Entry point of the application jar: {@code serve} (the default), {@code demo}, {@code
 * publish-model}, {@code route}, {@code status} or {@code train}, each followed by its options; {@code <command>
 * --help} lists them.
 */
public final class Main {
  private static final String USAGE = String.join("\n",
      "usage: java -jar model-serving-pipeline.jar <command> [--option=value ...]",
      "  serve          run the serving pipeline on Kafka, or on files with --inputFile (default command)",
      "  demo           embedded Kafka + record and model publishers + the pipeline, printing scored records",
      "  publish-model  send a model file to a model topic, or remove a model or roll it back (--remove, --rollback)",
      "  keygen         make an Ed25519 key pair for signing models (publish-model --signingKey, serve --trustedKeys)",
      "  route          set how a data type's records are split among its models (weights, active model, shadows)",
      "  kafka          a single-node Kafka broker on 127.0.0.1 (for trying the application), until Ctrl-C",
      "  status         print the latest model status report of every data type from the status topic",
      "  train          train a model incrementally on the labelled records of the data topic, publishing each version",
      "  <command> --help lists the command's options.");

  private Main() {}

  /** Shows the stack trace of a failure instead of its one-line summary; taken out before the command sees it. */
  static final String VERBOSE = "--verbose";

  public static void main(String[] args) throws Exception {
    boolean verbose = Arrays.asList(args).contains(VERBOSE);
    Verbose.set(verbose);
    String[] commandArgs = Arrays.stream(args).filter(a -> !a.equals(VERBOSE)).toArray(String[]::new);
    try {
      run(commandArgs);
    } catch (Exception | LinkageError e) {
      String command = commandArgs.length == 0 || commandArgs[0].startsWith("--") ? "serve" : commandArgs[0];
      if (verbose) {
        e.printStackTrace();
      }
      System.err.println(command + ": " + FailureSummary.of(e) + (verbose ? "" : " (" + VERBOSE + " shows the stack trace)"));
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    if (args.length == 0 || args[0].startsWith("--")) {
      if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
        System.out.println(USAGE);
        System.out.println();
        ServingMain.main(new String[] {"--help=" + ServingOptions.class.getName()});
        return;
      }
      ServingMain.main(args);
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "serve":
        ServingMain.main(withHelpFor(rest, ServingOptions.class.getName()));
        break;
      case "demo":
        DemoMain.main(withHelpFor(rest, "dev.modelserving.beam.pipeline.demo.DemoOptions"));
        break;
      case "publish-model":
        PublishModelCommand.main(rest);
        break;
      case "keygen":
        KeygenCommand.main(rest);
        break;
      case "route":
        RouteCommand.main(rest);
        break;
      case "kafka":
        KafkaCommand.main(rest);
        break;
      case "status":
        StatusCommand.main(rest);
        break;
      case "train":
        TrainMain.main(rest);
        break;
      default:
        System.err.println("unknown command '" + args[0] + "'\n" + USAGE);
        System.exit(2);
    }
  }

  /** Beam's bare --help lists every registered option interface; point it at the command's own. */
  private static String[] withHelpFor(String[] args, String optionsClass) {
    String[] copy = args.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i].equals("--help")) {
        copy[i] = "--help=" + optionsClass;
      }
    }
    return copy;
  }
}

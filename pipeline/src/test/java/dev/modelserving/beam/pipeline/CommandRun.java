package dev.modelserving.beam.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a command of the application returned and printed, run in this JVM. */
final class CommandRun {
  /** A command as a function of its arguments and output streams, returning its exit status. */
  interface Cli {
    int run(String[] args, PrintStream out, PrintStream err) throws Exception;
  }

  final int status;
  final String out;
  final String err;

  private CommandRun(int status, String out, String err) {
    this.status = status;
    this.out = out;
    this.err = err;
  }

  static CommandRun of(Cli cli, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = cli.run(args, o, e);
    }
    return new CommandRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}

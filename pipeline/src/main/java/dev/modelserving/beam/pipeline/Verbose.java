package dev.modelserving.beam.pipeline;

import java.io.PrintStream;

/**
 * {@code --verbose}: {@link Main} takes it out of the arguments and turns this on, so that a command
 * that reports a failure in one line also prints its stack trace.
 */
public final class Verbose {
  private static volatile boolean enabled;

  private Verbose() {}

  static void set(boolean on) {
    enabled = on;
  }

  /** Prints {@code failure}'s stack trace to {@code err} when {@code --verbose} was given. */
  public static void trace(Throwable failure, PrintStream err) {
    if (enabled) {
      failure.printStackTrace(err);
    }
  }
}

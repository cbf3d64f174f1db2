package dev.modelserving.beam.pipeline;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One line for a failure that ended a command: its own message and, when the cause chain adds
 * something, the deepest cause's (a pipeline failure wraps the user's real problem several times).
 */
final class FailureSummary {
  private FailureSummary() {}

  static String of(Throwable failure) {
    Set<String> parts = new LinkedHashSet<>();
    Throwable root = failure;
    int depth = 0;
    while (root.getCause() != null && root.getCause() != root && depth++ < 20) {
      root = root.getCause();
    }
    parts.add(describe(failure));
    if (root != failure) {
      parts.add(describe(root));
    }
    String line = String.join(": caused by ", parts);
    int newline = line.indexOf('\n');
    return newline < 0 ? line : line.substring(0, newline);
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + message;
  }
}

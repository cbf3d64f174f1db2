package dev.modelserving.beam.serving;

import dev.modelserving.beam.model.proto.ModelDescriptor;

/**
 * The rules of a data type's model set, shared by keyed serving and broadcast admission: each
 * returns why a message is refused, or null if it may be applied.
 */
final class SetRules {
  /** {@link #rollback}: the message changes nothing (it was applied already). */
  static final String UNCHANGED = "";

  private SetRules() {}

  /** A model older than the current version of its name does not replace it. */
  static String older(ModelDescriptor model, ModelRef current) {
    if (current == null || model.getCreatedAtMillis() <= 0 || current.createdAtMillis <= 0
        || model.getCreatedAtMillis() >= current.createdAtMillis) {
      return null;
    }
    return "it is older than the model it would replace, " + current + " (created " + current.createdAtMillis
        + ", this one " + model.getCreatedAtMillis() + "): models arriving out of order are not swapped in;"
        + " publish it again, or send a rollback, to go back to it";
  }

  /** A model with a new name does not enter a full set. */
  static String full(String dataType, ModelSlots slots, int names, int max) {
    return names < max ? null
        : "the model set of data type '" + dataType + "' is full: it holds " + max + " models " + slots.names()
            + " (the limit; remove one first)";
  }

  /**
   * Whether a rollback applies: null if it does, {@link #UNCHANGED} if the set already serves the
   * version it names, else the reason it is refused.
   */
  static String rollback(ModelSlots slots, ModelDescriptor message) {
    String name = message.getName();
    String version = message.getVersion();
    ModelRef current = slots.current(name);
    ModelRef previous = slots.previous(name);
    if (!version.isEmpty() && current != null && current.version.equals(version)) {
      return UNCHANGED;
    }
    if (previous == null) {
      return current == null
          ? "data type '" + message.getDataType() + "' has no model '" + name + "' to roll back"
          : "model '" + name + "' has no previous version to roll back to (only " + current + ")";
    }
    if (!version.isEmpty() && !previous.version.equals(version)) {
      return "the previous version of model '" + name + "' is " + previous.version + ", not " + version
          + "; only the version before the current one is kept";
    }
    return null;
  }
}

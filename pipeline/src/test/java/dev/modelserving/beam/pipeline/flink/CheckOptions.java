package dev.modelserving.beam.pipeline.flink;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code --name=value} options of a cluster check's driver, over its defaults. */
final class CheckOptions {
  private CheckOptions() {}

  /** @throws IllegalArgumentException on an option that is not among the defaults, listing them */
  static Map<String, String> parse(String[] args, Map<String, String> defaults) {
    Map<String, String> o = new LinkedHashMap<>(defaults);
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
      if (name == null || !o.containsKey(name)) {
        throw new IllegalArgumentException("unknown option '" + arg + "'; options (with defaults): " + o);
      }
      o.put(name, arg.substring(eq + 1));
    }
    return o;
  }
}

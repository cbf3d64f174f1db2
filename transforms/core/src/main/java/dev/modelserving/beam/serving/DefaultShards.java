package dev.modelserving.beam.serving;

import java.lang.reflect.Method;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The default number of shards per data type: the runner's parallelism where the options tell it
 * (Flink's {@code --parallelism}, the DirectRunner's {@code --targetParallelism}), else the number
 * of cores of the machine that builds the pipeline. Read by name, so that the core library needs
 * no runner on its classpath.
 */
final class DefaultShards {
  private DefaultShards() {}

  static int of(PipelineOptions options) {
    String runner = options.getRunner() == null ? "" : options.getRunner().getSimpleName();
    if (runner.startsWith("Flink")) {
      Integer p = option(options, "org.apache.beam.runners.flink.FlinkPipelineOptions", "getParallelism");
      if (p != null && p > 0) {
        return p;
      }
    } else if (runner.equals("DirectRunner")) {
      Integer p = option(options, "org.apache.beam.runners.direct.DirectOptions", "getTargetParallelism");
      if (p != null && p > 0) {
        return p;
      }
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** An {@code Integer} option of a runner's options interface, read by name; null if absent. */
  @SuppressWarnings("unchecked")
  static Integer option(PipelineOptions options, String interfaceName, String getter) {
    try {
      Class<? extends PipelineOptions> type =
          (Class<? extends PipelineOptions>) Class.forName(interfaceName, false, DefaultShards.class.getClassLoader());
      Object typed = options.as(type);
      Method m = type.getMethod(getter);
      Object value = m.invoke(typed);
      return value instanceof Integer ? (Integer) value : null;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }
}

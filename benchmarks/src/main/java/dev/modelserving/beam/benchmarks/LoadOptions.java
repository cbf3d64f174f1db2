package dev.modelserving.beam.benchmarks;

import dev.modelserving.beam.serving.ServingMode;
import java.util.List;

/**
 * The options of the streaming suites (latency, Kafka end to end, model swaps, heap).
 *
 * @param modes the serving modes the ServeModels suites run
 * @param rate the in-process sustainable rate to take 50% and 90% of, instead of the serve suite's
 *     figure; 0 when not given
 * @param kafkaRate the end-to-end sustainable rate, instead of finding it by ramping up; 0 when not
 *     given
 * @param seconds measured seconds of each latency point
 * @param warmupSeconds seconds of load before each measurement
 * @param swaps model swaps per model in the swap suite
 * @param swapIntervalSeconds seconds between two swaps of the fast-loading model
 * @param slowForestTrees trees of the slow-loading forest of the swap suite
 * @param heapTypes data types of the heap suite, each with two models
 * @param appArgs extra options for the app's pipeline in the Kafka suites, e.g. {@code --fasterCopy=true}
 */
public record LoadOptions(
    List<ServingMode> modes,
    double rate,
    double kafkaRate,
    int seconds,
    int warmupSeconds,
    int swaps,
    double swapIntervalSeconds,
    int slowForestTrees,
    int heapTypes,
    List<String> appArgs) {

  public LoadOptions {
    modes = List.copyOf(modes);
    appArgs = List.copyOf(appArgs);
    if (modes.isEmpty()) {
      throw new IllegalArgumentException("--modes needs at least one of keyed, broadcast");
    }
  }

  /**
   * The defaults of a full run (15 s measured after 5 s of warm-up, 20 swaps, a 600-tree slow
   * forest), or of a quick one (5 s after 2 s, 3 swaps, 200 trees).
   */
  public static LoadOptions defaults(boolean quick) {
    return new LoadOptions(List.of(ServingMode.KEYED, ServingMode.BROADCAST), 0, 0,
        quick ? 5 : 15, quick ? 2 : 5, quick ? 3 : 20, 3.0, quick ? 200 : 600, 100, List.of());
  }
}

package dev.modelserving.beam.pipeline.demo;

import java.io.PrintStream;

/**
 * What a demo mode publishes to the model topic, or runs to publish it: the models the pipeline
 * starts with, and one change every {@code --modelIntervalSeconds} while it runs.
 */
interface DemoScenario {
  /** Publishes what the pipeline starts with; called before the pipeline is built. */
  void start();

  /** The change of one interval: the next model, the next routing, a printed line, or nothing. */
  void step();

  /** Stops what the scenario runs beside the serving pipeline; called once records and steps have stopped. */
  default void stop() {}

  /** Prints the scenario's own end-of-run report, after the serving report. */
  default void report(PrintStream out) {}
}

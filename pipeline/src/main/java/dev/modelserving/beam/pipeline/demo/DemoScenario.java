package dev.modelserving.beam.pipeline.demo;

/**
 * What a demo mode publishes to the model topic: the models the pipeline starts with, and one
 * change every {@code --modelIntervalSeconds} while it runs.
 */
interface DemoScenario {
  /** Publishes what the pipeline starts with; called before the pipeline is built. */
  void start();

  /** The change of one interval: the next model, the next routing, or nothing. */
  void step();
}

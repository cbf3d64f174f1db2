package dev.modelserving.beam.benchmarks.latency;

import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;

/** Waiting on and stopping the detached pipelines of the streaming suites. */
public final class Pipelines {
  private Pipelines() {}

  /**
   * Sleeps {@code seconds}, checking every 100 ms that the pipeline still runs.
   *
   * @throws IllegalStateException if it ended or failed meanwhile
   */
  public static void runFor(PipelineResult result, double seconds) throws InterruptedException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      checkRunning(result);
      Thread.sleep(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
    }
    checkRunning(result);
  }

  /** Throws if the pipeline has ended (an unbounded pipeline ends only by failing or being cancelled). */
  public static void checkRunning(PipelineResult result) {
    PipelineResult.State state = result.getState();
    if (state != null && state.isTerminal()) {
      throw new IllegalStateException("the pipeline stopped while it was being measured: state " + state
          + " (the log above has its error)");
    }
  }

  /**
   * Cancels the pipeline unless it has ended, and waits up to 30 s for it to stop; never throws. A
   * local Flink job's mini-cluster shuts down with the job, after which its state cannot be asked:
   * that counts as stopped.
   */
  public static void cancel(PipelineResult result) {
    if (result == null) {
      return;
    }
    try {
      if (!result.getState().isTerminal()) {
        result.cancel();
      }
    } catch (Exception e) {
      System.err.println("benchmarks: could not cancel a pipeline: " + e);
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        PipelineResult.State state = result.getState();
        if (state == null || state.isTerminal()) {
          return;
        }
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception stopped) {
        return; // the mini-cluster is gone with the job
      }
    }
    System.err.println("benchmarks: a cancelled pipeline did not stop within 30 s");
  }
}

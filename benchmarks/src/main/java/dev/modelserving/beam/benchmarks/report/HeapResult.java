package dev.modelserving.beam.benchmarks.report;

import java.util.Objects;

/**
 * A heap figure: the heap in use after a full garbage collection at one stage of the heap suite.
 *
 * @param stage what was running, e.g. "100 data types × 2 models"
 * @param heapMiB heap used after GC, in MiB (for the per-model row: MiB per model)
 * @param loadedModels models loaded in the JVM's model cache at that point (-1 when not counted)
 * @param notes how it was measured
 */
public record HeapResult(String stage, double heapMiB, int loadedModels, String notes) {
  public HeapResult {
    Objects.requireNonNull(stage, "stage");
    notes = notes == null ? "" : notes;
  }
}

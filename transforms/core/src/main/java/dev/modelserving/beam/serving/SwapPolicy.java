package dev.modelserving.beam.serving;

/** When a newly arrived model starts serving the records of its data type. */
public enum SwapPolicy {
  /**
   * The default: the new model is loaded off the serving path while the current one keeps
   * serving; the switch is atomic, at the first batch after the load. A slow load never pauses
   * serving, and a model that fails to load never interrupts it. Records that arrive after the
   * model message may still be scored by the model before it.
   */
  WHEN_READY,
  /**
   * The new model serves exactly the records that arrive after it in its key's stream: those wait
   * in state (not on the thread) while it loads. Deterministic, at the cost of a pause as long as
   * the load. In broadcast mode, a batch waits for the side input's newest model to load.
   */
  IN_ORDER
}

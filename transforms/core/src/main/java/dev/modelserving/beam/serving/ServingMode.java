package dev.modelserving.beam.serving;

/**
 * Where {@link ServeModels} keeps its models and scores records.
 *
 * <table>
 *   <caption>The two modes</caption>
 *   <tr><th></th><th>{@link #KEYED} (default)</th><th>{@link #BROADCAST}</th></tr>
 *   <tr><td>records</td><td>batched, then shuffled to the key (data type, shard) that holds the
 *       model</td><td>batched and scored where they are read: no shuffle</td></tr>
 *   <tr><td>model state</td><td>keyed state of each key: current, previous and pending model, the
 *       bytes once per model</td><td>a side input: the latest model of every data type, on every
 *       worker</td></tr>
 *   <tr><td>swap point</td><td>exact in the key's stream with {@link SwapPolicy#IN_ORDER};
 *       the first batch after the load with {@link SwapPolicy#WHEN_READY}</td><td>when the side
 *       input reaches the worker and the model has loaded</td></tr>
 *   <tr><td>records before any model</td><td>held per key in state ({@link NoModelPolicy})</td>
 *       <td>held by the runner until the first model arrives (hold), or unserved</td></tr>
 *   <tr><td>bounded runs</td><td>records that arrive before the model are held in state until it
 *       arrives</td><td>the runner computes the side input first: records never outrun the
 *       model</td></tr>
 * </table>
 */
public enum ServingMode {
  /** Models in keyed state; records shuffled in batches to the key that holds their model. */
  KEYED,
  /** Models as a side input; records scored where they are read, without a shuffle. */
  BROADCAST
}

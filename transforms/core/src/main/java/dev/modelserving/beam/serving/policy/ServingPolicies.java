package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.model.proto.Routing;
import java.util.List;
import org.joda.time.Duration;

/**
 * The serving policies, to give to {@code ServeModels.withPolicy} (for every data type) or {@code
 * ServeModels.withPolicy(dataType, policy)}. Each consults the models of a data type's set with one
 * batched call per model and batch.
 *
 * <pre>{@code
 * ServingPolicies.current()                                          // default: the newest model
 * ServingPolicies.speculative(Duration.millis(20), "wine-linear")    // best in-time answer, fast fallback
 * ServingPolicies.consensus()                                        // models vote (median for values)
 * ServingPolicies.bestConfidence(0.7)                                // most confident; else review
 * ServingPolicies.routed()                                           // A/B, canary, blue/green, shadow by routing messages
 * }</pre>
 */
public final class ServingPolicies {
  private ServingPolicies() {}

  /** The newest model of the set serves alone (the default). */
  public static ServingPolicy current() {
    return new CurrentModelPolicy();
  }

  /** See {@link SpeculativePolicy}: every model within {@code budget}, {@code fastModel} always waited for. */
  public static SpeculativePolicy speculative(Duration budget, String fastModel) {
    return new SpeculativePolicy(List.of(), budget, fastModel);
  }

  /** See {@link ConsensusPolicy}: every model votes, without a deadline. */
  public static ConsensusPolicy consensus() {
    return new ConsensusPolicy(List.of(), null, null, false);
  }

  /** See {@link BestConfidencePolicy}: the most confident answer; below {@code minConfidence}, review. */
  public static BestConfidencePolicy bestConfidence(double minConfidence) {
    return new BestConfidencePolicy(List.of(), null, null, minConfidence);
  }

  /** See {@link RoutedPolicy}: routing messages split the traffic; before any, the newest model serves. */
  public static RoutedPolicy routed() {
    return new RoutedPolicy(Routing.getDefaultInstance(), 0);
  }
}

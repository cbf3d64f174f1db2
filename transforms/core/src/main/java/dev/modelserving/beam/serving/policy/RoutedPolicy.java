package dev.modelserving.beam.serving.policy;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.record.ModelAnswer;
import java.util.ArrayList;
import java.util.List;

/**
 * Traffic routing, changed at run time by routing messages on the model stream (action {@code
 * ROUTE}): no redeploy, no restart. The latest routing message of a data type decides, from the
 * next batch on:
 *
 * <ul>
 *   <li><b>A/B and canary</b>: weights split the records among models. A record sticks to its model
 *       through a stable hash of its id ({@link StickyRouter}); list the canary last, so raising its
 *       weight keeps every record it already had.
 *   <li><b>Blue/green</b>: all the weight on one model. Switching is one routing message, and so is
 *       switching back; both models stay loaded, so either switch is instant.
 *   <li><b>Shadow</b>: shadow models score every record too; their answers go to the comparison
 *       output only, never to the scored one.
 * </ul>
 *
 * <pre>{@code
 * .withPolicy(ServingPolicies.routed())          // follows the routing messages
 * // then, on the model topic:  route --dataType wine --weights wine-tree=90,wine-forest=10
 * }</pre>
 *
 * <p>Before any routing message, or when every weighted model is missing from the set, the
 * {@linkplain #withDefaultRouting default routing} applies, else the newest model serves. Weighted
 * models missing from the set are left out and the rest share the records.
 */
public final class RoutedPolicy implements ServingPolicy {
  private static final long serialVersionUID = 1L;

  private final byte[] defaultRouting;
  private final double shadowTolerance;

  RoutedPolicy(Routing defaultRouting, double shadowTolerance) {
    this.defaultRouting = defaultRouting.toByteArray();
    this.shadowTolerance = shadowTolerance;
  }

  /** A copy that routes by {@code routing} until the first routing message arrives. */
  public RoutedPolicy withDefaultRouting(Routing routing) {
    return new RoutedPolicy(routing, shadowTolerance);
  }

  /** A copy where a shadow agrees with a numeric result when at most {@code tolerance} away (default 0). */
  public RoutedPolicy withShadowTolerance(double tolerance) {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("the shadow tolerance must not be negative, was " + tolerance);
    }
    return new RoutedPolicy(defaultRouting(), tolerance);
  }

  Routing defaultRouting() {
    try {
      return Routing.parseFrom(defaultRouting);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String name() {
    return "routed";
  }

  @Override
  public Plan plan(List<String> set, Routing routing) {
    boolean fromMessage = routing.getWeightsCount() > 0 || routing.getShadowsCount() > 0;
    Routing r = fromMessage ? routing : defaultRouting();
    String source = fromMessage ? "routing message" : "default routing";
    List<String> models = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (ModelWeight w : r.getWeightsList()) {
      if (!set.contains(w.getModel())) {
        missing.add(w.getModel());
      } else if (w.getWeight() > 0) {
        models.add(w.getModel());
        weights.add(w.getWeight());
      }
    }
    String why;
    if (models.isEmpty()) {
      String newest = set.get(set.size() - 1);
      models.add(newest);
      weights.add(1.0);
      why = (r.getWeightsCount() == 0 ? "no weights" : "no weighted model is in the set") + "; the newest, '" + newest
          + "', serves";
    } else {
      why = source + " " + ModelDescriptors.describe(r) + (missing.isEmpty() ? "" : "; not in the set: " + missing);
    }
    double[] w = new double[weights.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = weights.get(i);
    }
    List<String> shadows = new ArrayList<>();
    for (String s : r.getShadowsList()) {
      if (set.contains(s)) {
        shadows.add(s);
      }
    }
    return Plan.routed(models, w, why).withShadows(shadows, shadowTolerance);
  }

  /** A routed record has one answer: the model it was routed to. */
  @Override
  public Decision decide(List<ModelAnswer> answers) {
    return answers.get(0).answered()
        ? Decision.win(0, "weight", "routed by the hash of the record id")
        : ConsultingPolicy.noAnswer(answers);
  }

  @Override
  public String toString() {
    return "routed (default " + ModelDescriptors.describe(defaultRouting()) + ")";
  }
}

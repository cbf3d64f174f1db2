package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.model.proto.ModelWeight;
import dev.modelserving.beam.model.proto.Routing;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the default routing of the routed policy from {@code --routeWeights} ({@code
 * model=weight} pairs) and {@code --shadowModels} (model names), into the same {@link Routing} a
 * routing message carries.
 */
final class RoutingOption {
  private RoutingOption() {}

  /**
   * The routing the two options describe; either may be null or blank.
   *
   * @throws IllegalArgumentException naming the option, for an entry that is not {@code
   *     model=weight}, a weight that is negative or not a number, weights summing to 0, a model
   *     given twice, or a model both weighted and a shadow
   */
  static Routing parse(String routeWeights, String shadowModels) {
    Routing.Builder routing = Routing.newBuilder();
    Set<String> weighted = new HashSet<>();
    double sum = 0;
    for (String entry : ServingPipeline.splitList(routeWeights)) {
      int eq = entry.indexOf('=');
      String model = eq < 0 ? "" : entry.substring(0, eq).trim();
      String weight = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (model.isEmpty() || weight.isEmpty()) {
        throw new IllegalArgumentException("bad --routeWeights entry '" + entry
            + "': expected model=weight, e.g. --routeWeights=wine-tree=90,wine-forest=10");
      }
      if (!weighted.add(model)) {
        throw new IllegalArgumentException("--routeWeights gives model '" + model + "' twice");
      }
      double w = number(entry, weight);
      sum += w;
      routing.addWeights(ModelWeight.newBuilder().setModel(model).setWeight(w));
    }
    if (!weighted.isEmpty() && !(sum > 0)) {
      throw new IllegalArgumentException("--routeWeights must give some model a weight above 0, was '"
          + routeWeights + "'");
    }
    Set<String> shadows = new HashSet<>();
    for (String shadow : ServingPipeline.splitList(shadowModels)) {
      if (!shadows.add(shadow)) {
        throw new IllegalArgumentException("--shadowModels gives model '" + shadow + "' twice");
      }
      if (weighted.contains(shadow)) {
        throw new IllegalArgumentException("model '" + shadow + "' is both weighted in --routeWeights and a shadow"
            + " in --shadowModels; a shadow's answers are only compared, never results");
      }
      routing.addShadows(shadow);
    }
    return routing.build();
  }

  /** The model names a routing mentions, weighted ones first. */
  static List<String> models(Routing routing) {
    List<String> names = new java.util.ArrayList<>();
    routing.getWeightsList().forEach(w -> names.add(w.getModel()));
    names.addAll(routing.getShadowsList());
    return names;
  }

  private static double number(String entry, String weight) {
    double w;
    try {
      w = new BigDecimal(weight).doubleValue();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "bad --routeWeights entry '" + entry + "': the weight '" + weight + "' is not a number", e);
    }
    if (w < 0) {
      throw new IllegalArgumentException(
          "bad --routeWeights entry '" + entry + "': a weight must not be negative");
    }
    return w;
  }
}

package dev.modelserving.beam.serving.policy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.joda.time.Duration;

/**
 * How one batch is given to the models of a set: either every listed model scores every record
 * (optionally concurrently under a latency budget, waiting always for the fast model), or each
 * record goes to one model by a weighted split, sticky per record id. Shadow models score every
 * record too; their answers are only compared with the result.
 */
public final class Plan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How records reach models. */
  public enum Kind {
    /** Every listed model scores every record; {@link ServingPolicy#decide} picks the result. */
    ALL,
    /** Each record goes to one listed model, by weight, sticky per record id. */
    ROUTED
  }

  private final Kind kind;
  private final List<String> models;
  private final double[] weights;
  private final String fastModel;
  private final Duration budget;
  private final List<String> shadows;
  private final double shadowTolerance;
  private final String why;

  private Plan(Kind kind, List<String> models, double[] weights, String fastModel, Duration budget,
      List<String> shadows, double shadowTolerance, String why) {
    this.kind = kind;
    this.models = Collections.unmodifiableList(new ArrayList<>(models));
    this.weights = weights;
    this.fastModel = fastModel;
    this.budget = budget;
    this.shadows = Collections.unmodifiableList(new ArrayList<>(shadows));
    this.shadowTolerance = shadowTolerance;
    this.why = why;
  }

  /** Every model in {@code models} scores every record, one after the other, with no deadline. */
  public static Plan all(List<String> models, String why) {
    return new Plan(Kind.ALL, models, null, null, null, List.of(), 0, why);
  }

  /**
   * Every model scores every record concurrently; answers that arrive within {@code budget} count.
   * The {@code fastModel} (may be null when the set lacks it) is always waited for.
   */
  public static Plan speculative(List<String> models, String fastModel, Duration budget, String why) {
    Objects.requireNonNull(budget, "budget");
    return new Plan(Kind.ALL, models, null, fastModel, budget, List.of(), 0, why);
  }

  /** Each record goes to one of {@code models} with the given relative weights, sticky per record id. */
  public static Plan routed(List<String> models, double[] weights, String why) {
    if (models.size() != weights.length || models.isEmpty()) {
      throw new IllegalArgumentException("a routed plan needs one weight per model, and a model");
    }
    return new Plan(Kind.ROUTED, models, weights.clone(), null, null, List.of(), 0, why);
  }

  /**
   * A copy where {@code shadows} also score every record, compared with the result: they agree on
   * an equal label, or on values at most {@code tolerance} apart.
   */
  public Plan withShadows(List<String> shadows, double tolerance) {
    Set<String> only = new LinkedHashSet<>(shadows);
    only.removeAll(models);
    return new Plan(kind, models, weights, fastModel, budget, new ArrayList<>(only), tolerance, why);
  }

  public Kind kind() {
    return kind;
  }

  /** The models that answer records: consulted ({@link Kind#ALL}) or routed to ({@link Kind#ROUTED}). */
  public List<String> models() {
    return models;
  }

  /** The relative weight of {@code models().get(i)} in a routed plan. */
  public double weight(int i) {
    return weights[i];
  }

  /** The model that is always waited for under a budget, or null. */
  public String fastModel() {
    return fastModel;
  }

  /** The latency budget, or null for none. */
  public Duration budget() {
    return budget;
  }

  public List<String> shadows() {
    return shadows;
  }

  public double shadowTolerance() {
    return shadowTolerance;
  }

  /** Why the plan is what it is, in words (e.g. which routing message it follows). */
  public String why() {
    return why;
  }

  /** Every model the plan calls: the answering ones, then the shadows. */
  public List<String> calledModels() {
    List<String> all = new ArrayList<>(models);
    all.addAll(shadows);
    return all;
  }

  @Override
  public String toString() {
    return kind + " " + models + (budget != null ? " within " + budget + " (fast: " + fastModel + ")" : "")
        + (shadows.isEmpty() ? "" : " shadows " + shadows);
  }
}

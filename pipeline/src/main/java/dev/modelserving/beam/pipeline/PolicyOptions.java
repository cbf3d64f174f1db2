package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.model.proto.Routing;
import dev.modelserving.beam.serving.ServeModels;
import dev.modelserving.beam.serving.policy.BestConfidencePolicy;
import dev.modelserving.beam.serving.policy.ConsensusPolicy;
import dev.modelserving.beam.serving.policy.RoutedPolicy;
import dev.modelserving.beam.serving.policy.ServingPolicies;
import dev.modelserving.beam.serving.policy.ServingPolicy;
import dev.modelserving.beam.serving.policy.SpeculativePolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.joda.time.Duration;

/**
 * The serving policies the options choose: {@code --policy} for every data type, {@code
 * --policies} for single ones, each configured by the policy options ({@code --latencyBudgetMillis},
 * {@code --fastModel}, {@code --preferModels}, {@code --consensusRegression}, {@code
 * --minConfidence}, {@code --routeWeights}, {@code --shadowModels}, {@code --shadowTolerance}).
 * Every inconsistency fails at once, naming the option: a speculative policy without its budget or
 * fast model, an option no chosen policy uses, a data type the pipeline does not serve.
 */
public final class PolicyOptions {
  public static final String CURRENT = "current";
  public static final String SPECULATIVE = "speculative";
  public static final String CONSENSUS = "consensus";
  public static final String BEST_CONFIDENCE = "best-confidence";
  public static final String ROUTED = "routed";
  /** The policy names {@code --policy} and {@code --policies} accept. */
  public static final List<String> NAMES = List.of(CURRENT, SPECULATIVE, CONSENSUS, BEST_CONFIDENCE, ROUTED);

  private static final Set<String> CONSULTING = Set.of(SPECULATIVE, CONSENSUS, BEST_CONFIDENCE);

  private final String defaultName;
  private final Map<String, String> namesByDataType;
  private final ServingPolicy defaultPolicy;
  private final Map<String, ServingPolicy> byDataType;

  private PolicyOptions(String defaultName, Map<String, String> namesByDataType, ServingPolicy defaultPolicy,
      Map<String, ServingPolicy> byDataType) {
    this.defaultName = defaultName;
    this.namesByDataType = namesByDataType;
    this.defaultPolicy = defaultPolicy;
    this.byDataType = byDataType;
  }

  /**
   * The policies of the options; the consulting policies consult the whole set, newest first,
   * unless {@code --preferModels} lists the models.
   *
   * @throws IllegalArgumentException naming the first option that is wrong or missing
   */
  public static PolicyOptions from(ServingOptions o) {
    return from(o, List.of());
  }

  /**
   * The policies of the options, for a set whose models are known up front ({@code models}, file
   * mode): the consulting policies consult them in this order unless {@code --preferModels} says
   * otherwise (in a bounded run the order in which the models arrive, and so "the newest", is not
   * defined), and every model an option names must be one of them. Empty: a set known only at run
   * time, as {@link #from(ServingOptions)}.
   *
   * @throws IllegalArgumentException naming the first option that is wrong or missing
   */
  public static PolicyOptions from(ServingOptions o, List<String> models) {
    String defaultName = policyName(o.getPolicy(), "--policy");
    Map<String, String> names = perDataType(o.getPolicies());
    Set<String> served = new LinkedHashSet<>(ServingPipeline.splitList(o.getDataTypes()));
    for (String dataType : names.keySet()) {
      if (!served.isEmpty() && !served.contains(dataType)) {
        throw new IllegalArgumentException("--policies names data type '" + dataType + "', which --dataTypes does not"
            + " serve " + served);
      }
    }
    Settings settings = Settings.of(o, models);
    checkUsed(o, defaultName, names);

    ServingPolicy defaultPolicy = build(defaultName, "--policy=" + defaultName, settings);
    Map<String, ServingPolicy> byDataType = new LinkedHashMap<>();
    names.forEach((dataType, name) ->
        byDataType.put(dataType, build(name, "--policies=" + dataType + ":" + name, settings)));
    return new PolicyOptions(defaultName, Collections.unmodifiableMap(names), defaultPolicy,
        Collections.unmodifiableMap(byDataType));
  }

  /** The policy of data types without their own. */
  public ServingPolicy defaultPolicy() {
    return defaultPolicy;
  }

  /** The policies of the data types {@code --policies} names. */
  public Map<String, ServingPolicy> byDataType() {
    return byDataType;
  }

  /** The policy that serves {@code dataType}. */
  public ServingPolicy policyFor(String dataType) {
    return byDataType.getOrDefault(dataType, defaultPolicy);
  }

  /** The name of the policy that serves {@code dataType}: one of {@link #NAMES}. */
  public String nameFor(String dataType) {
    return namesByDataType.getOrDefault(dataType, defaultName);
  }

  /** {@code serve} with these policies. */
  public <T> ServeModels<T> applyTo(ServeModels<T> serve) {
    ServeModels<T> configured = serve.withPolicy(defaultPolicy);
    for (Map.Entry<String, ServingPolicy> e : byDataType.entrySet()) {
      configured = configured.withPolicy(e.getKey(), e.getValue());
    }
    return configured;
  }

  // ---- parsing ---------------------------------------------------------------------------------

  private static String policyName(String value, String option) {
    String name = value == null ? "" : value.trim().toLowerCase();
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(option + " must be one of " + String.join(", ", NAMES) + "; was '" + value
          + "'");
    }
    return name;
  }

  /** {@code --policies}: {@code dataType:policy} pairs, in the order given. */
  static Map<String, String> perDataType(String value) {
    Map<String, String> names = new LinkedHashMap<>();
    for (String entry : ServingPipeline.splitList(value)) {
      int colon = entry.indexOf(':');
      String dataType = colon < 0 ? "" : entry.substring(0, colon).trim();
      String policy = colon < 0 ? "" : entry.substring(colon + 1).trim();
      if (dataType.isEmpty() || policy.isEmpty()) {
        throw new IllegalArgumentException("bad --policies entry '" + entry
            + "': expected dataType:policy, e.g. --policies=wine:speculative,beer:routed");
      }
      String name = policyName(policy, "--policies: the policy of data type '" + dataType + "'");
      if (names.put(dataType, name) != null) {
        throw new IllegalArgumentException("--policies gives data type '" + dataType + "' twice");
      }
    }
    return names;
  }

  /** Options that configure policies nobody chose are a mistake worth saying. */
  private static void checkUsed(ServingOptions o, String defaultName, Map<String, String> names) {
    Set<String> chosen = new LinkedHashSet<>();
    chosen.add(defaultName);
    chosen.addAll(names.values());
    boolean consulting = chosen.stream().anyMatch(CONSULTING::contains);
    String what = chosen.size() == 1 ? "the policy is '" + defaultName + "'" : "the policies are " + chosen;
    if (!consulting) {
      unused("--latencyBudgetMillis", o.getLatencyBudgetMillis() > 0, "speculative, consensus and best-confidence", what);
      unused("--fastModel", given(o.getFastModel()), "speculative, consensus and best-confidence", what);
      unused("--preferModels", given(o.getPreferModels()), "speculative, consensus and best-confidence", what);
    }
    if (!chosen.contains(ROUTED)) {
      unused("--routeWeights", given(o.getRouteWeights()), "routed", what);
      unused("--shadowModels", given(o.getShadowModels()), "routed", what);
    }
  }

  private static void unused(String option, boolean given, String users, String what) {
    if (given) {
      throw new IllegalArgumentException(option + " is used by the " + users + " policies only, but " + what);
    }
  }

  private static boolean given(String value) {
    return value != null && !value.isBlank();
  }

  // ---- building --------------------------------------------------------------------------------

  private static ServingPolicy build(String name, String label, Settings s) {
    switch (name) {
      case CURRENT:
        return ServingPolicies.current();
      case SPECULATIVE: {
        if (s.budget == null) {
          throw new IllegalArgumentException(label + " needs --latencyBudgetMillis: the latency budget, a positive"
              + " number of milliseconds");
        }
        if (s.fastModel == null) {
          throw new IllegalArgumentException(label + " needs --fastModel: the model always waited for, whose answer"
              + " is guaranteed within the budget");
        }
        SpeculativePolicy p = ServingPolicies.speculative(s.budget, s.fastModel);
        return s.consulted.isEmpty() ? p : p.preferring(s.consulted.toArray(new String[0]));
      }
      case CONSENSUS: {
        ConsensusPolicy p = ServingPolicies.consensus();
        p = s.mean ? p.mean() : p.median();
        if (s.budget != null) {
          p = p.withBudget(s.budget, s.fastModel);
        }
        return s.consulted.isEmpty() ? p : p.among(s.consulted.toArray(new String[0]));
      }
      case BEST_CONFIDENCE: {
        BestConfidencePolicy p = ServingPolicies.bestConfidence(s.minConfidence);
        if (s.budget != null) {
          p = p.withBudget(s.budget, s.fastModel);
        }
        return s.consulted.isEmpty() ? p : p.among(s.consulted.toArray(new String[0]));
      }
      case ROUTED: {
        if (s.fileModels.size() > 1 && s.routing.getWeightsCount() == 0) {
          throw new IllegalArgumentException(label + " with several --modelFiles needs --routeWeights: before a"
              + " routing message the newest model serves, and model files have no order of arrival");
        }
        RoutedPolicy p = ServingPolicies.routed().withShadowTolerance(s.shadowTolerance);
        return s.routing.getWeightsCount() == 0 && s.routing.getShadowsCount() == 0 ? p : p.withDefaultRouting(s.routing);
      }
      default:
        throw new IllegalStateException("unknown policy " + name);
    }
  }

  /** The policy options, parsed and checked once. */
  private static final class Settings {
    final Duration budget;
    final String fastModel;
    /** --preferModels, or in file mode the model files' order. */
    final List<String> consulted;
    final boolean mean;
    final double minConfidence;
    final Routing routing;
    final double shadowTolerance;
    final List<String> fileModels;

    private Settings(Duration budget, String fastModel, List<String> consulted, boolean mean, double minConfidence,
        Routing routing, double shadowTolerance, List<String> fileModels) {
      this.budget = budget;
      this.fastModel = fastModel;
      this.consulted = consulted;
      this.mean = mean;
      this.minConfidence = minConfidence;
      this.routing = routing;
      this.shadowTolerance = shadowTolerance;
      this.fileModels = fileModels;
    }

    static Settings of(ServingOptions o, List<String> fileModels) {
      if (o.getLatencyBudgetMillis() < 0) {
        throw new IllegalArgumentException("--latencyBudgetMillis must not be negative (0: no budget), was "
            + o.getLatencyBudgetMillis());
      }
      Duration budget = o.getLatencyBudgetMillis() > 0 ? Duration.millis(o.getLatencyBudgetMillis()) : null;
      String fast = given(o.getFastModel()) ? o.getFastModel().trim() : null;
      if (fast != null && budget == null) {
        throw new IllegalArgumentException("--fastModel needs --latencyBudgetMillis: the fast model is the one always"
            + " waited for when the budget expires");
      }
      if (budget != null && fast == null) {
        throw new IllegalArgumentException("--latencyBudgetMillis needs --fastModel: the model always waited for,"
            + " whose answer is guaranteed when the slower ones miss the budget");
      }
      List<String> prefer = ServingPipeline.splitList(o.getPreferModels());
      if (new LinkedHashSet<>(prefer).size() < prefer.size()) {
        throw new IllegalArgumentException("--preferModels names a model twice: " + prefer);
      }
      String regression = o.getConsensusRegression() == null ? "" : o.getConsensusRegression().trim().toLowerCase();
      if (!regression.equals("median") && !regression.equals("mean")) {
        throw new IllegalArgumentException("--consensusRegression must be 'median' or 'mean', was '"
            + o.getConsensusRegression() + "'");
      }
      if (!(o.getMinConfidence() >= 0 && o.getMinConfidence() <= 1)) {
        throw new IllegalArgumentException("--minConfidence must be between 0 and 1, was " + o.getMinConfidence());
      }
      if (!(o.getShadowTolerance() >= 0)) {
        throw new IllegalArgumentException("--shadowTolerance must not be negative, was " + o.getShadowTolerance());
      }
      Routing routing = RoutingOption.parse(o.getRouteWeights(), o.getShadowModels());
      if (!fileModels.isEmpty()) {
        mustBeFiles("--fastModel", fast == null ? List.of() : List.of(fast), fileModels);
        mustBeFiles("--preferModels", prefer, fileModels);
        mustBeFiles("--routeWeights or --shadowModels", RoutingOption.models(routing), fileModels);
      }
      List<String> consulted = !prefer.isEmpty() ? prefer : new ArrayList<>(fileModels);
      return new Settings(budget, fast, List.copyOf(consulted), regression.equals("mean"), o.getMinConfidence(),
          routing, o.getShadowTolerance(), fileModels);
    }

    private static void mustBeFiles(String option, List<String> named, List<String> fileModels) {
      for (String name : named) {
        if (!fileModels.contains(name)) {
          throw new IllegalArgumentException(option + " names model '" + name + "', which is none of the --modelFiles;"
              + " file models are named by their file names: " + fileModels);
        }
      }
    }
  }
}

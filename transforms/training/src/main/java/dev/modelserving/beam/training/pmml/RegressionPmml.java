package dev.modelserving.beam.training.pmml;

import dev.modelserving.beam.training.sgd.ModelKind;
import dev.modelserving.beam.training.sgd.SgdSettings;
import dev.modelserving.beam.training.sgd.Standardizer;
import dev.modelserving.beam.training.sgd.Weights;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * A PMML 4.4 {@code RegressionModel} of trained weights: {@code functionName="regression"} for
 * linear regression; {@code classification} with {@code normalizationMethod="logit"} (binary: the
 * first table is class 1, the second, empty, class 0) or {@code "softmax"} (one table per class),
 * with an output field {@code probability(<class>)} per class.
 * Numbers are written with {@link Double#toString}, which reads back to the same double, so the
 * file scores what the weights score, up to the order in which an evaluator adds the terms.
 *
 * <p>Usage: {@code RegressionPmml.of(settings, List.of("alcohol", "pH"), "quality").withClasses(List.of("bad",
 * "good")).withDescription("lineage ...").write(weights)}.
 */
public final class RegressionPmml {
  private final SgdSettings settings;
  private final List<String> features;
  private final String target;
  private final List<String> classes;
  private final String modelName;
  private final String description;
  private final Standardizer standardizer;

  private RegressionPmml(SgdSettings settings, List<String> features, String target, List<String> classes,
      String modelName, String description, Standardizer standardizer) {
    this.settings = settings;
    this.features = features;
    this.target = target;
    this.classes = classes;
    this.modelName = modelName;
    this.description = description;
    this.standardizer = standardizer;
  }

  /**
   * A writer for models of {@code settings}, reading {@code features} (one name per feature, in
   * order) and predicting {@code target}. Classes default to "0", "1", ... in class-index order.
   */
  public static RegressionPmml of(SgdSettings settings, List<String> features, String target) {
    if (features.size() != settings.features()) {
      throw new IllegalArgumentException(settings.features() + " feature names needed, got " + features);
    }
    if (new HashSet<>(features).size() != features.size() || features.contains(target)) {
      throw new IllegalArgumentException("feature and target names must differ from each other: " + features
          + ", target " + target);
    }
    List<String> classes = settings.kind() == ModelKind.LINEAR_REGRESSION ? List.of()
        : java.util.stream.IntStream.range(0, settings.classes()).mapToObj(String::valueOf).toList();
    return new RegressionPmml(settings, List.copyOf(features), target, classes, "sgd", "",
        Standardizer.identity(settings.features()));
  }

  /** The class labels, in class-index order. */
  public RegressionPmml withClasses(List<String> labels) {
    if (settings.kind() == ModelKind.LINEAR_REGRESSION || labels.size() != settings.classes()
        || new HashSet<>(labels).size() != labels.size()) {
      throw new IllegalArgumentException("withClasses needs " + settings.classes() + " distinct labels for a "
          + settings.kind() + " model, got " + labels);
    }
    return new RegressionPmml(settings, features, target, List.copyOf(labels), modelName, description, standardizer);
  }

  /** The {@code modelName} attribute. */
  public RegressionPmml withModelName(String name) {
    return new RegressionPmml(settings, features, target, classes, name, description, standardizer);
  }

  /** The header's description, e.g. the model's lineage. */
  public RegressionPmml withDescription(String text) {
    return new RegressionPmml(settings, features, target, classes, modelName, text, standardizer);
  }

  /**
   * The standardization the weights were learnt on: {@link #write} then folds it into the
   * coefficients (the file scores raw features) and records it, with the update count, in an
   * {@code Extension} that {@link RegressionPmmlReader} reads to continue training.
   */
  public RegressionPmml withStandardizer(Standardizer standardizer) {
    if (standardizer.features() != settings.features()) {
      throw new IllegalArgumentException("a standardizer for " + settings.features() + " features needed, got one for "
          + standardizer.features());
    }
    return new RegressionPmml(settings, features, target, classes, modelName, description, standardizer);
  }

  /** The PMML document of {@code weights} (learnt on features standardized as {@link #withStandardizer} says). */
  public String write(Weights standardized) {
    if (standardized.outputs() != settings.outputs() || standardized.features() != settings.features()) {
      throw new IllegalArgumentException("the weights do not have the shape of the settings: " + standardized);
    }
    Weights weights = standardizer.fold(standardized);
    StringBuilder x = new StringBuilder(1024);
    x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.append("<PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\">\n");
    x.append("  <Header description=\"").append(escape(description)).append("\"/>\n");
    x.append("  <DataDictionary numberOfFields=\"").append(features.size() + 1).append("\">\n");
    for (String f : features) {
      x.append("    <DataField name=\"").append(escape(f)).append("\" optype=\"continuous\" dataType=\"double\"/>\n");
    }
    boolean regression = settings.kind() == ModelKind.LINEAR_REGRESSION;
    if (regression) {
      x.append("    <DataField name=\"").append(escape(target)).append("\" optype=\"continuous\" dataType=\"double\"/>\n");
    } else {
      x.append("    <DataField name=\"").append(escape(target)).append("\" optype=\"categorical\" dataType=\"string\">\n");
      for (String c : classes) {
        x.append("      <Value value=\"").append(escape(c)).append("\"/>\n");
      }
      x.append("    </DataField>\n");
    }
    x.append("  </DataDictionary>\n");
    x.append("  <RegressionModel functionName=\"").append(regression ? "regression" : "classification")
        .append("\" modelName=\"").append(escape(modelName)).append('"');
    if (!regression) {
      x.append(" normalizationMethod=\"")
          .append(settings.kind() == ModelKind.BINARY_LOGISTIC ? "logit" : "softmax").append('"');
    }
    x.append(">\n");
    trainingState(x, standardized.updates());
    x.append("    <MiningSchema>\n");
    for (String f : features) {
      x.append("      <MiningField name=\"").append(escape(f)).append("\"/>\n");
    }
    x.append("      <MiningField name=\"").append(escape(target)).append("\" usageType=\"target\"/>\n");
    x.append("    </MiningSchema>\n");
    if (!regression) {
      // declared probabilities make evaluators (JPMML) report a probability distribution, not votes
      x.append("    <Output>\n");
      for (String c : classes) {
        x.append("      <OutputField name=\"").append(escape("probability(" + c + ")"))
            .append("\" optype=\"continuous\" dataType=\"double\" feature=\"probability\" value=\"")
            .append(escape(c)).append("\"/>\n");
      }
      x.append("    </Output>\n");
    }
    switch (settings.kind()) {
      case LINEAR_REGRESSION -> table(x, weights, 0, null);
      case BINARY_LOGISTIC -> {
        table(x, weights, 0, classes.get(1));
        x.append("    <RegressionTable intercept=\"0.0\" targetCategory=\"").append(escape(classes.get(0)))
            .append("\"/>\n");
      }
      case MULTINOMIAL_LOGISTIC -> {
        for (int c = 0; c < classes.size(); c++) {
          table(x, weights, c, classes.get(c));
        }
      }
    }
    x.append("  </RegressionModel>\n</PMML>\n");
    return x.toString();
  }

  private void trainingState(StringBuilder x, long updates) {
    x.append("    <Extension extender=\"").append(RegressionPmmlReader.EXTENDER).append("\" name=\"")
        .append(RegressionPmmlReader.TRAINING_STATE).append("\">\n");
    x.append("      <").append(RegressionPmmlReader.TRAINING_STATE_ELEMENT).append(" updates=\"").append(updates)
        .append("\">\n");
    for (int f = 0; f < features.size(); f++) {
      x.append("        <").append(RegressionPmmlReader.STANDARDIZE_ELEMENT).append(" field=\"")
          .append(escape(features.get(f))).append("\" mean=\"").append(number(standardizer.mean(f)))
          .append("\" scale=\"").append(number(standardizer.scale(f))).append("\"/>\n");
    }
    x.append("      </").append(RegressionPmmlReader.TRAINING_STATE_ELEMENT).append(">\n    </Extension>\n");
  }

  private void table(StringBuilder x, Weights weights, int output, String category) {
    x.append("    <RegressionTable intercept=\"").append(number(weights.intercept(output))).append('"');
    if (category != null) {
      x.append(" targetCategory=\"").append(escape(category)).append('"');
    }
    x.append(">\n");
    for (int f = 0; f < features.size(); f++) {
      x.append("      <NumericPredictor name=\"").append(escape(features.get(f))).append("\" coefficient=\"")
          .append(number(weights.coefficient(output, f))).append("\"/>\n");
    }
    x.append("    </RegressionTable>\n");
  }

  private static String number(double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("a weight is not finite (" + v + "): the training diverged; lower the learning rate");
    }
    return Double.toString(v).toUpperCase(Locale.ROOT);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

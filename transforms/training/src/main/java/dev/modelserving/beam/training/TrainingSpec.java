package dev.modelserving.beam.training;

import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.training.pmml.ExportedModel;
import dev.modelserving.beam.training.pmml.RegressionPmmlReader;
import dev.modelserving.beam.training.sgd.LearningRate;
import dev.modelserving.beam.training.sgd.ModelKind;
import dev.modelserving.beam.training.sgd.SgdSettings;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What to train for one data type: the model's name, its target field and feature fields, the model
 * kind, and how to learn (learning rate, L2 penalty), optionally continuing from a published model.
 *
 * <pre>{@code
 * TrainingSpec spec = TrainingSpec.logisticRegression("wine", "wine-sgd", "quality",
 *         List.of("alcohol", "volatile_acidity", "sulphates"), List.of("3", "4", "5", "6", "7", "8", "9"))
 *     .withLearningRate(LearningRate.inverseScaling(0.3, 0.001))
 *     .withL2(1e-4);
 * }</pre>
 */
public final class TrainingSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The default schedule: 0.3, decaying slowly so that the model keeps adapting to a drifting stream. */
  public static final LearningRate DEFAULT_LEARNING_RATE = LearningRate.inverseScaling(0.3, 0.001);
  public static final double DEFAULT_L2 = 1e-4;

  private final String dataType;
  private final String modelName;
  private final String target;
  private final List<String> features;
  private final ModelKind kind;
  private final List<String> classes;
  private final LearningRate learningRate;
  private final double l2;
  private final InitialModel initial;
  private final Teacher teacher;

  /** A published model to continue from: its weights, and the version and uuid the next model descends from. */
  record InitialModel(ExportedModel model, long version, String uuid) implements Serializable {}

  /** The model a distilled student learns from: its name, version and uuid, for the lineage. */
  record Teacher(String name, String version, String uuid) implements Serializable {
    @Override
    public String toString() {
      return name + " version " + version + " (" + uuid + ")";
    }
  }

  private TrainingSpec(String dataType, String modelName, String target, List<String> features, ModelKind kind,
      List<String> classes, LearningRate learningRate, double l2, InitialModel initial, Teacher teacher) {
    this.dataType = dataType;
    this.modelName = modelName;
    this.target = target;
    this.features = features;
    this.kind = kind;
    this.classes = classes;
    this.learningRate = learningRate;
    this.l2 = l2;
    this.initial = initial;
    this.teacher = teacher;
    settings(); // validates the shape
  }

  /** A linear regression of the numeric {@code target} on {@code features}. */
  public static TrainingSpec linearRegression(String dataType, String modelName, String target, List<String> features) {
    return create(dataType, modelName, target, features, ModelKind.LINEAR_REGRESSION, List.of());
  }

  /**
   * A logistic regression predicting {@code target}, whose values are {@code classes}: binary for two
   * classes (the second is the positive one), multinomial (softmax) for more. A label is matched to
   * a class by its text, so a numeric label 7 matches class "7".
   */
  public static TrainingSpec logisticRegression(String dataType, String modelName, String target, List<String> features,
      List<String> classes) {
    if (classes.size() < 2) {
      throw new IllegalArgumentException("a logistic regression needs at least 2 classes, got " + classes);
    }
    return create(dataType, modelName, target, features,
        classes.size() == 2 ? ModelKind.BINARY_LOGISTIC : ModelKind.MULTINOMIAL_LOGISTIC, classes);
  }

  private static TrainingSpec create(String dataType, String modelName, String target, List<String> features,
      ModelKind kind, List<String> classes) {
    if (isBlank(dataType) || isBlank(modelName) || isBlank(target)) {
      throw new IllegalArgumentException("a training spec needs a data type, a model name and a target field; got '"
          + dataType + "', '" + modelName + "', '" + target + "'");
    }
    List<String> f = List.copyOf(features);
    if (f.isEmpty() || new HashSet<>(f).size() != f.size() || f.contains(target)) {
      throw new IllegalArgumentException("features must be distinct, at least one, and not the target '" + target
          + "': " + features);
    }
    List<String> c = List.copyOf(classes);
    if (new HashSet<>(c).size() != c.size()) {
      throw new IllegalArgumentException("classes must be distinct: " + classes);
    }
    return new TrainingSpec(dataType, modelName, target, f, kind, c, DEFAULT_LEARNING_RATE, DEFAULT_L2, null, null);
  }

  /** The learning-rate schedule (default {@link #DEFAULT_LEARNING_RATE}). */
  public TrainingSpec withLearningRate(LearningRate rate) {
    return new TrainingSpec(dataType, modelName, target, features, kind, classes, Objects.requireNonNull(rate), l2,
        initial, teacher);
  }

  /** The L2 penalty on the coefficients (default {@link #DEFAULT_L2}). */
  public TrainingSpec withL2(double penalty) {
    return new TrainingSpec(dataType, modelName, target, features, kind, classes, learningRate, penalty, initial, teacher);
  }

  /**
   * Continues from {@code model} (a PMML linear or logistic regression, e.g. one this trainer
   * published, read from the model topic or a file) when the trainer has no state of its own yet
   * (state restored from a checkpoint wins). The next model is version {@code model.version + 1}.
   *
   * @throws IllegalArgumentException if the model is not PMML, its version is not a whole number, or
   *     its kind, fields or classes differ from this spec's
   */
  public TrainingSpec withInitialModel(ModelDescriptor model) {
    if (!"pmml".equals(model.getFormat()) || model.getPayloadCase() != ModelDescriptor.PayloadCase.MODEL_BYTES) {
      throw new IllegalArgumentException("training continues only from a PMML model carried by its bytes; model '"
          + model.getName() + "' version " + model.getVersion() + " has format '" + model.getFormat() + "'");
    }
    long version;
    try {
      version = Long.parseLong(model.getVersion());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("model '" + model.getName() + "' has version '" + model.getVersion()
          + "'; training continues only from whole-number versions, which it counts on from");
    }
    ExportedModel m = RegressionPmmlReader.read(model.getModelBytes().toByteArray());
    if (m.kind() != kind || !m.features().equals(features) || !m.target().equals(target)
        || !m.classes().equals(classes)) {
      throw new IllegalArgumentException("model '" + model.getName() + "' version " + model.getVersion() + " is a "
          + m.kind() + " of " + m.features() + " predicting '" + m.target() + "' " + m.classes()
          + "; this spec trains a " + kind + " of " + features + " predicting '" + target + "' " + classes);
    }
    return new TrainingSpec(dataType, modelName, target, features, kind, classes, learningRate, l2,
        new InitialModel(m, version, model.getUuid()), teacher);
  }

  public String dataType() {
    return dataType;
  }

  public String modelName() {
    return modelName;
  }

  public String target() {
    return target;
  }

  public List<String> features() {
    return features;
  }

  public ModelKind kind() {
    return kind;
  }

  /** The class labels in class-index order; empty for regression. */
  public List<String> classes() {
    return classes;
  }

  public double l2() {
    return l2;
  }

  public LearningRate learningRate() {
    return learningRate;
  }

  /** The SGD settings this spec trains with. */
  public SgdSettings settings() {
    return new SgdSettings(kind, features.size(), Math.max(classes.size(), 1), learningRate, l2);
  }

  InitialModel initialModel() {
    return initial;
  }

  /** This spec for a student distilled from {@code teacher}: the teacher's answers are its labels. */
  TrainingSpec withTeacher(ModelDescriptor model) {
    return new TrainingSpec(dataType, modelName, target, features, kind, classes, learningRate, l2, initial,
        new Teacher(model.getName(), model.getVersion(), model.getUuid()));
  }

  /** The teacher of a distilled student; null for a model trained on labels. */
  Teacher teacher() {
    return teacher;
  }

  /** The trainer and its settings as text, for a model's lineage. */
  public String describe() {
    return "mini-batch SGD " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ", learning rate "
        + learningRate.initial() + " / (1 + " + learningRate.decay() + " t), L2 " + l2
        + (teacher == null ? "" : ", distilled from " + teacher);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public String toString() {
    return "TrainingSpec{" + dataType + "/" + modelName + ": " + kind + " of " + features + " -> " + target
        + (classes.isEmpty() ? "" : " " + classes) + (initial == null ? "" : ", from version " + initial.version())
        + (teacher == null ? "" : ", taught by " + teacher) + "}";
  }
}

package dev.modelserving.beam.training.pmml;

import dev.modelserving.beam.training.sgd.ModelKind;
import dev.modelserving.beam.training.sgd.Standardizer;
import dev.modelserving.beam.training.sgd.Weights;
import java.io.Serializable;
import java.util.List;

/**
 * A linear model read back from a PMML {@code RegressionModel}: what a trainer needs to continue
 * from it.
 *
 * @param modelName the {@code modelName} attribute, empty if absent
 * @param kind linear regression, binary or multinomial logistic regression
 * @param features the input fields, in coefficient order
 * @param target the predicted field
 * @param classes the class labels in class-index order (empty for regression)
 * @param standardizer the standardization the weights were learnt on (identity if the file has none)
 * @param weights the weights for standardized features, with the update count the file recorded
 */
public record ExportedModel(String modelName, ModelKind kind, List<String> features, String target,
    List<String> classes, Standardizer standardizer, Weights weights) implements Serializable {

  public ExportedModel {
    features = List.copyOf(features);
    classes = List.copyOf(classes);
  }
}

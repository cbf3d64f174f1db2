package dev.modelserving.beam.format.pmml;

import dev.modelserving.beam.model.ModelDescriptors;
import dev.modelserving.beam.model.ModelFormat;
import dev.modelserving.beam.model.ModelLoadException;
import dev.modelserving.beam.model.Scorer;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import jakarta.xml.bind.JAXBException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.ParserConfigurationException;
import org.dmg.pmml.ResultFeature;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.InputField;
import org.jpmml.evaluator.LoadingModelEvaluatorBuilder;
import org.jpmml.evaluator.TargetField;
import org.xml.sax.SAXException;

/**
 * Loads PMML documents ({@code format = "pmml"}) with JPMML-Evaluator.
 *
 * <p>The document is parsed and its evaluator built and verified once per model; the resulting
 * {@link PmmlScorer} shares that evaluator between threads and scores a batch in one call. Model
 * inputs read the record field of the same name unless {@code input_mapping.field_by_input} maps
 * them to another one.
 *
 * <p>Every declared target field and Output field of the model is reported by its PMML name in
 * {@code ModelOutput.fields}. The primary prediction (value, or label with class probabilities) is
 * the first field named in {@code output_mapping.outputs} (a name the model does not have fails
 * the load, listing the names it has), else the one the model declares as final: for a
 * regression, its last final numeric {@code transformedValue}/{@code decision} Output field (e.g.
 * the one in which R's {@code pmml} package adds a gbm's intercept to its sum of trees), else its
 * target field; for a classification, its target's label. A regression never gives a label.
 * {@link PmmlResultDecoder} has the full rule.
 */
public final class PmmlModelFormat implements ModelFormat {

  /** The format id, the value of {@code ModelDescriptor.format} for PMML models. */
  public static final String ID = "pmml";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Scorer load(ModelDescriptor descriptor) throws ModelLoadException {
    String model = "PMML model " + ModelDescriptors.describe(descriptor);
    if (descriptor.getPayloadCase() != ModelDescriptor.PayloadCase.MODEL_BYTES
        || descriptor.getModelBytes().isEmpty()) {
      throw new ModelLoadException(model + " carries no model bytes");
    }
    Evaluator evaluator = buildEvaluator(descriptor, model);
    try {
      checkHasResult(evaluator, model);
      List<PmmlInput> inputs =
          bindInputs(evaluator, descriptor.getInputMapping().getFieldByInputMap(), model);
      PmmlPrimary primary =
          PmmlPrimary.choose(evaluator, descriptor.getOutputMapping().getOutputsList(), model);
      return new PmmlScorer(evaluator, inputs, new PmmlResultDecoder(evaluator, primary));
    } catch (RuntimeException e) {
      // JPMML resolves some field references lazily, e.g. a MiningField with no DataField.
      throw new ModelLoadException(model + " is not a consistent PMML model: " + rootMessage(e), e);
    }
  }

  /**
   * The evaluator builder this format uses. Class probabilities are requested explicitly: JPMML
   * otherwise computes only what the model's Output fields ask for.
   */
  static LoadingModelEvaluatorBuilder newBuilder() {
    return new LoadingModelEvaluatorBuilder()
        .setLocatable(false)
        .setValidationEventHandler(event -> false) // fail on the first error, without logging it
        .setExtraResultFeatures(EnumSet.of(ResultFeature.PROBABILITY));
  }

  /** Parses, builds and verifies the evaluator; nothing is kept if any step fails. */
  private static Evaluator buildEvaluator(ModelDescriptor descriptor, String model)
      throws ModelLoadException {
    LoadingModelEvaluatorBuilder builder = newBuilder();
    try (InputStream in = descriptor.getModelBytes().newInput()) {
      builder.load(in);
    } catch (SAXException | JAXBException | IOException e) {
      throw new ModelLoadException(
          model + " is not a readable PMML document: " + rootMessage(e)
              + " (the bytes must be a PMML XML document, e.g. <PMML xmlns=\"http://www.dmg.org/PMML-4_4\" ...>)",
          e);
    } catch (ParserConfigurationException e) {
      throw new ModelLoadException(model + " could not be parsed: no usable XML parser: " + e, e);
    } catch (RuntimeException e) {
      throw new ModelLoadException(model + " is not a valid PMML document: " + rootMessage(e), e);
    } catch (LinkageError e) {
      throw new ModelLoadException(
          model + " could not be parsed: the JAXB runtime is missing (add org.jpmml:pmml-model-metro): " + e, e);
    }
    Evaluator evaluator;
    try {
      evaluator = builder.build();
      // The field lists are resolved lazily; resolve them now so a dangling reference fails here.
      evaluator.getInputFields();
      evaluator.getTargetFields();
      evaluator.getOutputFields();
    } catch (RuntimeException e) {
      throw new ModelLoadException(
          model + " cannot be evaluated by JPMML-Evaluator (unsupported or incomplete model): "
              + rootMessage(e),
          e);
    }
    try {
      evaluator.verify();
    } catch (RuntimeException e) {
      throw new ModelLoadException(
          model + " failed its own ModelVerification records: " + rootMessage(e), e);
    }
    return evaluator;
  }

  /** A model must declare a target field or an output field, or it has nothing to return. */
  private static void checkHasResult(Evaluator evaluator, String model) throws ModelLoadException {
    boolean declaredTarget = false;
    for (TargetField target : evaluator.getTargetFields()) {
      declaredTarget |= !target.isSynthetic();
    }
    if (!declaredTarget && evaluator.getOutputFields().isEmpty()) {
      throw new ModelLoadException(
          model + " declares no target field (MiningField usageType=\"target\") and no Output"
              + " field, so it has no result to return");
    }
  }

  /** Pairs each model input with the record field it reads, checking the input mapping. */
  private static List<PmmlInput> bindInputs(
      Evaluator evaluator, Map<String, String> fieldByInput, String model) throws ModelLoadException {
    Set<String> activeNames = new LinkedHashSet<>();
    for (InputField field : evaluator.getActiveFields()) {
      activeNames.add(field.getName());
    }
    Map<String, InputField> byName = new HashMap<>();
    for (InputField field : evaluator.getInputFields()) {
      byName.put(field.getName(), field);
    }
    for (Map.Entry<String, String> mapping : fieldByInput.entrySet()) {
      if (!byName.containsKey(mapping.getKey())) {
        throw new ModelLoadException(
            model + ": input_mapping.field_by_input maps '" + mapping.getKey()
                + "', which is not an input of the model; its inputs are " + byName.keySet());
      }
      if (mapping.getValue().isEmpty()) {
        throw new ModelLoadException(
            model + ": input_mapping.field_by_input maps model input '" + mapping.getKey()
                + "' to an empty record field name");
      }
    }
    List<PmmlInput> inputs = new ArrayList<>();
    for (InputField field : evaluator.getInputFields()) {
      String recordField = fieldByInput.getOrDefault(field.getName(), field.getName());
      inputs.add(new PmmlInput(field, recordField, activeNames.contains(field.getName())));
    }
    return inputs;
  }

  /** The innermost message of an exception chain, with the exception type when it has none. */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getMessage();
    }
    return message == null || message.isBlank() ? root.getClass().getName() : message;
  }
}

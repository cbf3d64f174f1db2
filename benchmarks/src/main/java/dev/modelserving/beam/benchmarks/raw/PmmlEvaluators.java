package dev.modelserving.beam.benchmarks.raw;

import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import dev.modelserving.beam.testdata.WineSchema;
import jakarta.xml.bind.JAXBException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.ParserConfigurationException;
import org.dmg.pmml.ResultFeature;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.FieldValue;
import org.jpmml.evaluator.InputField;
import org.jpmml.evaluator.LoadingModelEvaluatorBuilder;
import org.jpmml.evaluator.TargetField;
import org.xml.sax.SAXException;

/**
 * JPMML evaluators built the way the PMML format of the library builds them (no source locations,
 * class probabilities requested), so every suite evaluates the same model the same way.
 */
public final class PmmlEvaluators {
  private PmmlEvaluators() {}

  /** Parses, builds and verifies an evaluator from a PMML document. */
  public static Evaluator load(byte[] pmml) throws IOException {
    try (InputStream in = new ByteArrayInputStream(pmml)) {
      Evaluator evaluator =
          new LoadingModelEvaluatorBuilder()
              .setLocatable(false)
              .setExtraResultFeatures(EnumSet.of(ResultFeature.PROBABILITY))
              .load(in)
              .build();
      evaluator.verify();
      return evaluator;
    } catch (SAXException | JAXBException | ParserConfigurationException e) {
      throw new IOException("not a readable PMML document: " + e, e);
    }
  }

  /** The name of the model's (first) target field. */
  public static String targetName(Evaluator evaluator) {
    List<TargetField> targets = evaluator.getTargetFields();
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("the PMML model has no target field");
    }
    return targets.get(0).getName();
  }

  /**
   * The index in {@link WineSchema#NUMERIC_FEATURES} that an input field reads, or -1 for {@link
   * WineSchema#WINE_TYPE}.
   */
  public static int featureIndex(InputField field) {
    String name = field.getName();
    if (name.equals(WineSchema.WINE_TYPE)) {
      return -1;
    }
    int index = WineSchema.NUMERIC_FEATURES.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException(
          "the PMML model reads '" + name + "', which is not a wine field");
    }
    return index;
  }

  /** The prepared arguments of every wine of the workload, in workload order. */
  @SuppressWarnings("unchecked")
  public static Map<String, FieldValue>[] preparedArguments(Evaluator evaluator, WineWorkload workload) {
    List<InputField> inputs = evaluator.getInputFields();
    Map<String, FieldValue>[] arguments = new Map[workload.size()];
    for (int i = 0; i < arguments.length; i++) {
      double[] features = workload.features(i);
      Map<String, FieldValue> args = new HashMap<>();
      for (InputField input : inputs) {
        int j = featureIndex(input);
        args.put(input.getName(), input.prepare(j < 0 ? WineWorkload.WINE_TYPE : (Object) features[j]));
      }
      arguments[i] = args;
    }
    return arguments;
  }
}

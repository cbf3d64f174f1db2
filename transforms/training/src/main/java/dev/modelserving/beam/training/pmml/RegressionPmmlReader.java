package dev.modelserving.beam.training.pmml;

import dev.modelserving.beam.training.sgd.ModelKind;
import dev.modelserving.beam.training.sgd.Standardizer;
import dev.modelserving.beam.training.sgd.Weights;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads a PMML {@code RegressionModel} of numeric predictors back into weights, so that training
 * can continue from it: the files {@link RegressionPmml} writes (with their standardization and
 * update count), and other tools' linear and logistic regressions of the same shape (which then
 * continue on raw features from update 0). Document type declarations are refused.
 */
public final class RegressionPmmlReader {
  static final String EXTENDER = "model-serving-training";
  static final String TRAINING_STATE = "training-state";
  static final String TRAINING_STATE_ELEMENT = "TrainingState";
  static final String STANDARDIZE_ELEMENT = "Standardize";

  private RegressionPmmlReader() {}

  /**
   * The model in {@code pmml}.
   *
   * @throws IllegalArgumentException naming what is missing or not supported
   */
  public static ExportedModel read(byte[] pmml) {
    Element model = firstChild(parse(pmml).getDocumentElement(), "RegressionModel");
    if (model == null) {
      throw new IllegalArgumentException("the PMML document has no RegressionModel (training continues only from"
          + " linear and logistic regressions)");
    }
    List<String> features = new ArrayList<>();
    String target = null;
    for (Element field : children(required(model, "MiningSchema"), "MiningField")) {
      String usage = field.getAttribute("usageType");
      if (usage.equals("target") || usage.equals("predicted")) {
        target = field.getAttribute("name");
      } else if (usage.isEmpty() || usage.equals("active")) {
        features.add(field.getAttribute("name"));
      }
    }
    if (target == null || features.isEmpty()) {
      throw new IllegalArgumentException("the RegressionModel's MiningSchema needs a target field and at least one"
          + " active field");
    }
    List<Element> tables = children(model, "RegressionTable");
    String function = model.getAttribute("functionName");
    String normalization = model.getAttribute("normalizationMethod");
    ModelKind kind;
    List<String> classes = new ArrayList<>();
    List<Element> weighted = tables;
    if (function.equals("regression") && tables.size() == 1 && (normalization.isEmpty() || normalization.equals("none"))) {
      kind = ModelKind.LINEAR_REGRESSION;
    } else if (function.equals("classification") && normalization.equals("logit") && tables.size() == 2
        && isZero(tables.get(1))) {
      kind = ModelKind.BINARY_LOGISTIC;
      classes.add(tables.get(1).getAttribute("targetCategory"));
      classes.add(tables.get(0).getAttribute("targetCategory"));
      weighted = tables.subList(0, 1);
    } else if (function.equals("classification") && normalization.equals("softmax") && tables.size() >= 2) {
      kind = ModelKind.MULTINOMIAL_LOGISTIC;
      tables.forEach(t -> classes.add(t.getAttribute("targetCategory")));
    } else {
      throw new IllegalArgumentException("a RegressionModel with functionName '" + function
          + "', normalizationMethod '" + normalization + "' and " + tables.size() + " tables is not a linear"
          + " regression (1 table), a binary logistic regression (logit, 2 tables, the second empty) or a"
          + " multinomial one (softmax)");
    }
    double[][] coefficients = new double[weighted.size()][features.size()];
    double[] intercepts = new double[weighted.size()];
    for (int o = 0; o < weighted.size(); o++) {
      Element table = weighted.get(o);
      intercepts[o] = number(table, "intercept");
      for (Node n = table.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (!(n instanceof Element e) || e.getLocalName().equals("Extension")) {
          continue;
        }
        if (!e.getLocalName().equals("NumericPredictor") || !e.getAttribute("exponent").matches("|1")) {
          throw new IllegalArgumentException("training continues only from numeric predictors of exponent 1;"
              + " the model has a " + e.getLocalName() + " " + e.getAttribute("name"));
        }
        int f = features.indexOf(e.getAttribute("name"));
        if (f < 0) {
          throw new IllegalArgumentException("predictor '" + e.getAttribute("name") + "' is not an active field of"
              + " the MiningSchema");
        }
        coefficients[o][f] += number(e, "coefficient");
      }
    }
    Element state = trainingState(model);
    long updates = state == null ? 0 : Long.parseLong(state.getAttribute("updates"));
    Standardizer standardizer = state == null ? Standardizer.identity(features.size()) : standardizer(state, features);
    Weights raw = new Weights(coefficients, intercepts, updates);
    return new ExportedModel(model.getAttribute("modelName"), kind, features, target, classes, standardizer,
        standardizer.unfold(raw));
  }

  private static Standardizer standardizer(Element state, List<String> features) {
    Map<String, double[]> byField = new HashMap<>();
    for (Element s : children(state, STANDARDIZE_ELEMENT)) {
      byField.put(s.getAttribute("field"), new double[] {number(s, "mean"), number(s, "scale")});
    }
    double[] means = new double[features.size()];
    double[] scales = new double[features.size()];
    for (int f = 0; f < features.size(); f++) {
      double[] ms = byField.get(features.get(f));
      if (ms == null) {
        throw new IllegalArgumentException("the training state has no standardization of field '" + features.get(f) + "'");
      }
      means[f] = ms[0];
      scales[f] = ms[1];
    }
    return new Standardizer(means, scales);
  }

  private static Element trainingState(Element model) {
    for (Element ext : children(model, "Extension")) {
      if (EXTENDER.equals(ext.getAttribute("extender")) && TRAINING_STATE.equals(ext.getAttribute("name"))) {
        return required(ext, TRAINING_STATE_ELEMENT);
      }
    }
    return null;
  }

  private static boolean isZero(Element table) {
    return number(table, "intercept") == 0 && children(table, "NumericPredictor").isEmpty()
        && children(table, "CategoricalPredictor").isEmpty() && children(table, "PredictorTerm").isEmpty();
  }

  private static double number(Element e, String attribute) {
    String text = e.getAttribute(attribute);
    try {
      double v = Double.parseDouble(text);
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException(e.getLocalName() + " " + e.getAttribute("name") + " has " + attribute + "='"
          + text + "', not a finite number");
    }
  }

  private static Element required(Element parent, String name) {
    Element e = firstChild(parent, name);
    if (e == null) {
      throw new IllegalArgumentException(parent.getLocalName() + " has no " + name);
    }
    return e;
  }

  private static Element firstChild(Element parent, String name) {
    List<Element> all = children(parent, name);
    return all.isEmpty() ? null : all.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName())) {
        out.add(e);
      }
    }
    return out;
  }

  private static Document parse(byte[] pmml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(new DefaultHandler()); // no console output; fatal errors throw
      return b.parse(new ByteArrayInputStream(pmml));
    } catch (SAXException | IOException e) {
      throw new IllegalArgumentException("not a readable PMML document: " + e.getMessage(), e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }
}

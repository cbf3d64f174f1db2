package dev.modelserving.beam.benchmarks.flink;

import dev.modelserving.beam.benchmarks.raw.PmmlEvaluators;
import dev.modelserving.beam.benchmarks.workload.WineRecord;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.FieldValue;
import org.jpmml.evaluator.InputField;

/**
 * A PMML model in the native job: the evaluator is built once; per record the inputs are prepared
 * from the record's features (their positions resolved at load) into an argument map that is reused
 * from record to record, then the target is evaluated and decoded.
 */
final class NativePmmlModel implements NativeModel {
  private final Evaluator evaluator;
  private final InputField[] inputs;
  private final String[] names;
  private final int[] featureIndex;
  private final String target;
  private final Map<String, FieldValue> arguments;

  NativePmmlModel(byte[] pmml) throws IOException {
    this.evaluator = PmmlEvaluators.load(pmml);
    List<InputField> fields = evaluator.getInputFields();
    this.inputs = fields.toArray(new InputField[0]);
    this.names = new String[inputs.length];
    this.featureIndex = new int[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      names[i] = inputs[i].getName();
      featureIndex[i] = PmmlEvaluators.featureIndex(inputs[i]);
    }
    this.target = PmmlEvaluators.targetName(evaluator);
    this.arguments = new HashMap<>(inputs.length * 2);
  }

  @Override
  public void score(WineRecord record, ScoredWine out) {
    for (int i = 0; i < inputs.length; i++) {
      int j = featureIndex[i];
      arguments.put(names[i], inputs[i].prepare(j < 0 ? record.wineType : (Object) record.features[j]));
    }
    Object result = EvaluatorUtil.decode(evaluator.evaluate(arguments).get(target));
    if (result instanceof Number) {
      out.value = ((Number) result).doubleValue();
      out.label = null;
    } else {
      out.value = Double.NaN;
      out.label = result == null ? null : result.toString();
    }
  }

  @Override
  public void close() {}
}

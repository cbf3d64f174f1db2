package dev.modelserving.beam.benchmarks.raw;

import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.FieldValue;
import org.jpmml.evaluator.InputField;

/**
 * A quick estimate, outside JMH, of how many records a second one thread scores with a PMML
 * evaluator (prepare the inputs from the raw values, evaluate, decode the target): for sizing a
 * load to a model's cost, not for the report's figures.
 */
public final class PmmlScoringRate {
  private PmmlScoringRate() {}

  /** Records a second over {@code seconds}, after a warm-up of as long. */
  public static double singleThread(Evaluator evaluator, WineWorkload workload, double seconds) {
    List<InputField> inputs = evaluator.getInputFields();
    int[] index = new int[inputs.size()];
    for (int i = 0; i < index.length; i++) {
      index[i] = PmmlEvaluators.featureIndex(inputs.get(i));
    }
    String target = PmmlEvaluators.targetName(evaluator);
    Map<String, FieldValue> arguments = new HashMap<>();
    score(evaluator, workload, inputs, index, target, arguments, seconds);
    return score(evaluator, workload, inputs, index, target, arguments, seconds);
  }

  private static double score(Evaluator evaluator, WineWorkload workload, List<InputField> inputs, int[] index,
      String target, Map<String, FieldValue> arguments, double seconds) {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long n = 0;
    Object sink = null;
    while (System.nanoTime() < end) {
      for (int k = 0; k < 16; k++, n++) {
        double[] features = workload.features(n);
        for (int i = 0; i < index.length; i++) {
          InputField input = inputs.get(i);
          arguments.put(input.getName(), input.prepare(index[i] < 0 ? WineWorkload.WINE_TYPE : (Object) features[index[i]]));
        }
        sink = EvaluatorUtil.decode(evaluator.evaluate(arguments).get(target));
      }
    }
    if (sink == null) {
      throw new IllegalStateException("the model predicted nothing");
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }
}

package dev.modelserving.beam.benchmarks.raw;

import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.FieldValue;
import org.jpmml.evaluator.InputField;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ceiling of a PMML model: JPMML in a loop over the workload's wines. One operation scores one
 * record. The evaluator is shared by all benchmark threads, as the serving transform shares it.
 *
 * <ul>
 *   <li>{@link #evaluate}, the baseline: what every caller does per record, as JPMML documents it:
 *       prepare each input field from the record's raw value ({@code InputField.prepare}, into an
 *       arguments map each thread reuses), evaluate, decode the target. A real stream never repeats
 *       a record, so preparing is per-record work.
 *   <li>{@link #evaluatePrepared}: evaluate and decode only, on argument maps prepared once before
 *       the loop. Only possible because the workload repeats 1024 wines; shown as an extra row,
 *       never used as the baseline.
 * </ul>
 */
@State(Scope.Benchmark)
public class PmmlEvaluatorBenchmark {
  /** The PMML file to evaluate. */
  @Param("")
  public String pmmlFile;

  private Evaluator evaluator;
  private String target;
  private InputField[] inputs;
  private String[] names;
  private int[] featureIndex;
  private WineWorkload workload;
  private Map<String, FieldValue>[] prepared;

  /** Each thread walks the workload from its own position, with its own arguments map. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
    final Map<String, FieldValue> arguments = new HashMap<>();

    @Setup(Level.Trial)
    public void start() {
      next = (int) (Thread.currentThread().getId() * 97 % WineWorkload.DEFAULT_SIZE);
    }

    int advance() {
      int at = next;
      next = next + 1 == WineWorkload.DEFAULT_SIZE ? 0 : next + 1;
      return at;
    }
  }

  @Setup(Level.Trial)
  public void load() throws IOException {
    evaluator = PmmlEvaluators.load(Files.readAllBytes(Paths.get(pmmlFile)));
    target = PmmlEvaluators.targetName(evaluator);
    List<InputField> fields = evaluator.getInputFields();
    inputs = fields.toArray(new InputField[0]);
    names = new String[inputs.length];
    featureIndex = new int[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      names[i] = inputs[i].getName();
      featureIndex[i] = PmmlEvaluators.featureIndex(inputs[i]);
    }
    workload = WineWorkload.standard();
    prepared = PmmlEvaluators.preparedArguments(evaluator, workload);
  }

  /** Scores one wine from its raw values: prepare every input, evaluate, decode the target. */
  @Benchmark
  public Object evaluate(Cursor cursor) {
    double[] features = workload.features(cursor.advance());
    Map<String, FieldValue> args = cursor.arguments;
    for (int i = 0; i < inputs.length; i++) {
      int j = featureIndex[i];
      args.put(names[i], inputs[i].prepare(j < 0 ? WineWorkload.WINE_TYPE : (Object) features[j]));
    }
    return EvaluatorUtil.decode(evaluator.evaluate(args).get(target));
  }

  /** Evaluates one wine on arguments prepared before the loop, and decodes the target. */
  @Benchmark
  public Object evaluatePrepared(Cursor cursor) {
    return EvaluatorUtil.decode(evaluator.evaluate(prepared[cursor.advance()]).get(target));
  }
}

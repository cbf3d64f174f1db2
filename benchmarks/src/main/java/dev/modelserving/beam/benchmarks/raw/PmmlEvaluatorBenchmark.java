package dev.modelserving.beam.benchmarks.raw;

import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.FieldValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ceiling of a PMML model: {@code Evaluator.evaluate} in a loop over the workload's wines, with
 * the arguments prepared beforehand, and the target decoded. One operation scores one record. The
 * evaluator is shared by all benchmark threads, as the serving transform shares it.
 */
@State(Scope.Benchmark)
public class PmmlEvaluatorBenchmark {
  /** The PMML file to evaluate. */
  @Param("")
  public String pmmlFile;

  private Evaluator evaluator;
  private String target;
  private Map<String, FieldValue>[] arguments;

  /** Each thread walks the workload from its own position. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Trial)
    public void start() {
      next = (int) (Thread.currentThread().getId() * 97 % WineWorkload.DEFAULT_SIZE);
    }
  }

  @Setup(Level.Trial)
  public void load() throws IOException {
    evaluator = PmmlEvaluators.load(Files.readAllBytes(Paths.get(pmmlFile)));
    target = PmmlEvaluators.targetName(evaluator);
    arguments = PmmlEvaluators.preparedArguments(evaluator, WineWorkload.standard());
  }

  /** Scores one wine: evaluate, then decode the target (a label or a number). */
  @Benchmark
  public Object evaluate(Cursor cursor) {
    Map<String, FieldValue> args = arguments[cursor.next];
    cursor.next = cursor.next + 1 == arguments.length ? 0 : cursor.next + 1;
    return EvaluatorUtil.decode(evaluator.evaluate(args).get(target));
  }
}

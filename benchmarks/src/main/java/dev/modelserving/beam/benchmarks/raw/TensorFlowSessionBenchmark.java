package dev.modelserving.beam.benchmarks.raw;

import dev.modelserving.beam.benchmarks.workload.WineWorkload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * The ceiling of the TensorFlow model: {@code Session.run} in a loop on a pre-built {@code [batch,
 * 11]} float tensor of workload wines. One operation scores {@code batch} records; the session is
 * shared by all benchmark threads, as the serving transform shares it.
 */
@State(Scope.Benchmark)
public class TensorFlowSessionBenchmark {
  /** The signature, input and output of the packed wine MLP. */
  public static final String SIGNATURE = "serving_default";
  public static final String INPUT = "features";
  public static final String OUTPUT = "quality";

  /** The SavedModel directory. */
  @Param("")
  public String savedModelDir;

  /** Records per {@code Session.run}. */
  @Param("1")
  public int batch;

  private SavedModelBundle bundle;
  private Output<?> input;
  private Output<?> output;

  /** Each thread feeds its own tensor, filled once from the workload. */
  @State(Scope.Thread)
  public static class Batch {
    TFloat32 tensor;

    @Setup(Level.Trial)
    public void fill(TensorFlowSessionBenchmark benchmark) {
      WineWorkload workload = WineWorkload.standard();
      long first = Thread.currentThread().getId() * 97;
      int columns = workload.features(0).length;
      tensor = TFloat32.tensorOf(Shape.of(benchmark.batch, columns));
      for (int row = 0; row < benchmark.batch; row++) {
        double[] features = workload.features(first + row);
        for (int j = 0; j < columns; j++) {
          tensor.setFloat((float) features[j], row, j);
        }
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      tensor.close();
    }
  }

  @Setup(Level.Trial)
  public void load() {
    bundle = SavedModelBundle.load(savedModelDir, "serve");
    input = TensorNames.input(bundle, SIGNATURE, INPUT);
    output = TensorNames.output(bundle, SIGNATURE, OUTPUT);
  }

  @TearDown(Level.Trial)
  public void close() {
    bundle.close();
  }

  /** One {@code Session.run} of a batch; returns the first prediction. */
  @Benchmark
  public float run(Batch batch) {
    try (Result result = bundle.session().runner().feed(input, batch.tensor).fetch(output).run()) {
      return ((TFloat32) result.get(0)).getFloat(0, 0);
    }
  }
}

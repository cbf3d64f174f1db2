package dev.modelserving.beam.benchmarks.flink;

import dev.modelserving.beam.benchmarks.raw.TensorFlowSessionBenchmark;
import dev.modelserving.beam.benchmarks.raw.TensorNames;
import dev.modelserving.beam.benchmarks.workload.WineRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * The TensorFlow wine MLP in the native job: the SavedModel (a zip on the model stream) is unpacked
 * and loaded once; per record one {@code Session.run} on a [1, 11] input tensor that is allocated
 * once and overwritten from record to record.
 */
final class NativeTensorFlowModel implements NativeModel {
  private final Path directory;
  private final SavedModelBundle bundle;
  private final Output<?> input;
  private final Output<?> output;
  private final float[] row;
  private final FloatDataBuffer rowBuffer;
  private final TFloat32 tensor;

  NativeTensorFlowModel(byte[] zip) throws IOException {
    this.directory = unzip(zip);
    try {
      this.bundle = SavedModelBundle.load(directory.toString(), "serve");
    } catch (RuntimeException e) {
      deleteQuietly(directory);
      throw new IOException("TensorFlow cannot load the SavedModel: " + e.getMessage(), e);
    }
    this.input = TensorNames.input(bundle, TensorFlowSessionBenchmark.SIGNATURE, TensorFlowSessionBenchmark.INPUT);
    this.output = TensorNames.output(bundle, TensorFlowSessionBenchmark.SIGNATURE, TensorFlowSessionBenchmark.OUTPUT);
    long columns = input.shape().size(1);
    this.row = new float[(int) (columns > 0 ? columns : 11)];
    this.rowBuffer = DataBuffers.of(row, true, false);
    this.tensor = TFloat32.tensorOf(Shape.of(1, row.length));
  }

  @Override
  public void score(WineRecord record, ScoredWine out) {
    double[] features = record.features;
    for (int j = 0; j < row.length; j++) {
      row[j] = (float) features[j];
    }
    tensor.copyFrom(rowBuffer);
    try (Result result = bundle.session().runner().feed(input, tensor).fetch(output).run()) {
      out.value = ((TFloat32) result.get(0)).getFloat(0, 0);
      out.label = null;
    }
  }

  @Override
  public void close() {
    tensor.close();
    bundle.close();
    deleteQuietly(directory);
  }

  /** Unpacks a zip into a new temporary directory; entries may not leave it. */
  static Path unzip(byte[] zip) throws IOException {
    Path dir = Files.createTempDirectory("native-flink-tf-");
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path target = dir.resolve(e.getName()).normalize();
        if (!target.startsWith(dir)) {
          throw new IOException("zip entry outside the model directory: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target);
        }
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(dir);
      throw e;
    }
    return dir;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory
    }
  }
}

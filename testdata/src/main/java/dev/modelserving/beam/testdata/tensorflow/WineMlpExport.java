package dev.modelserving.beam.testdata.tensorflow;

import dev.modelserving.beam.testdata.WineSchema;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/** Writes a trained wine MLP in the three forms the TensorFlow formats serve. */
public final class WineMlpExport {
  /** Signature key, input and output of the packed SavedModel. */
  public static final String PACKED_SIGNATURE = Signature.DEFAULT_KEY;
  public static final String PACKED_INPUT = "features";
  public static final String PACKED_OUTPUT = "quality";
  /** Signature key and output of the SavedModel with one input per feature. */
  public static final String NAMED_SIGNATURE = "predict";
  public static final String NAMED_OUTPUT = "quality_score";
  /** The method name TensorFlow Serving gives predict signatures, as Python exports set it. */
  static final String PREDICT_METHOD = "tensorflow/serving/predict";
  /** Input and output operations of the frozen graph. */
  public static final String FROZEN_INPUT_OP = "features";
  public static final String FROZEN_OUTPUT_OP = "quality";

  private WineMlpExport() {}

  /** The signature input key of a feature in the "named" model: its column name with spaces. */
  public static String humanName(String column) {
    return column.replace('_', ' ');
  }

  /** A single-threaded session configuration, for reproducible numbers. */
  static ConfigProto singleThreaded() {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(1)
        .setInterOpParallelismThreads(1)
        .build();
  }

  /**
   * A SavedModel with signature "serving_default": input "features" float [-1, 11] (columns in
   * {@link WineSchema#NUMERIC_FEATURES} order), output "quality" float [-1, 1].
   */
  public static void savedModelPacked(WineMlpWeights w, Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> features = featuresPlaceholder(tf, w.inputs());
      Operand<TFloat32> quality =
          tf.withName(PACKED_OUTPUT)
              .identity(
                  WineMlpGraph.forward(tf, features, w.mean, w.std, WineMlpGraph.variables(tf, w)));
      Signature signature =
          Signature.builder()
              .key(PACKED_SIGNATURE)
              .methodName(PREDICT_METHOD)
              .input(PACKED_INPUT, features)
              .output(PACKED_OUTPUT, quality)
              .build();
      export(g, signature, dir);
    }
  }

  /**
   * A SavedModel made like a Python one: signature "predict", one float [-1, 1] input per feature
   * keyed by its human name ("fixed acidity", ...), output "quality_score" float [-1, 1].
   */
  public static void savedModelNamed(WineMlpWeights w, Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Signature.Builder signature =
          Signature.builder().key(NAMED_SIGNATURE).methodName(PREDICT_METHOD);
      List<Operand<TFloat32>> columns = new ArrayList<>();
      for (String column : WineSchema.NUMERIC_FEATURES) {
        Placeholder<TFloat32> input =
            tf.withName(column)
                .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
        columns.add(input);
        signature.input(humanName(column), input);
      }
      Operand<TFloat32> features = tf.withName("concat_features").concat(columns, tf.constant(1));
      Operand<TFloat32> quality =
          tf.withName(NAMED_OUTPUT)
              .identity(
                  WineMlpGraph.forward(tf, features, w.mean, w.std, WineMlpGraph.variables(tf, w)));
      export(g, signature.output(NAMED_OUTPUT, quality).build(), dir);
    }
  }

  /** A frozen GraphDef (weights as constants): input op "features", output op "quality". */
  public static void frozenGraph(WineMlpWeights w, Path file) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> features = featuresPlaceholder(tf, w.inputs());
      tf.withName(FROZEN_OUTPUT_OP)
          .identity(
              WineMlpGraph.forward(tf, features, w.mean, w.std, WineMlpGraph.constants(tf, w)));
      Files.createDirectories(file.toAbsolutePath().getParent());
      // Deterministic serialisation sorts the attribute maps: the same weights give the same bytes.
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      g.toGraphDef().writeTo(out);
      out.flush();
      Files.write(file, bytes.toByteArray());
    }
  }

  private static Placeholder<TFloat32> featuresPlaceholder(Ops tf, int inputs) {
    return tf.withName(FROZEN_INPUT_OP)
        .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, inputs)));
  }

  private static void export(Graph g, Signature signature, Path dir) throws IOException {
    deleteRecursively(dir);
    Files.createDirectories(dir);
    try (Session s = new Session(g, singleThreaded())) {
      s.initialize();
      SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(signature).export();
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}

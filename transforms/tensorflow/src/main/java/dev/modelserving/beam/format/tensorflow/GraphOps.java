package dev.modelserving.beam.format.tensorflow;

import com.google.protobuf.TextFormat;
import dev.modelserving.beam.model.ModelGuard;
import dev.modelserving.beam.model.ModelLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/**
 * The TensorFlow op allow-list: a graph may only hold the operations below (pure math, neural
 * network, array, control-flow, variable and lookup-table ops), checked on the GraphDef before
 * TensorFlow imports or runs it, in the graph and in every function of its library. Every op that
 * touches files or the outside world is missing from the list, so it is refused: {@code ReadFile},
 * {@code WriteFile}, {@code MatchingFiles}, {@code PrintV2} (which can print to a file), {@code
 * Save}/{@code Restore} ops, file-backed datasets and readers, {@code InitializeTableFromTextFile},
 * {@code ImmutableConst} (memory-maps a file), {@code PyFunc}, summary writers, ...
 *
 * <p>The checkpoint ops ({@value #CHECKPOINT_OPS_TEXT}) are allowed in one place only: the top-level
 * graph of a SavedModel that declares a saver, when the file name they read or write derives from
 * the saver's filename tensor (which the loader feeds with the SavedModel's own {@code variables/}
 * path): that is the variables restore TensorFlow runs at load. Elsewhere (in a function, in a frozen
 * graph, or reading a constant path) they are refused. A SavedModel exported from Python with
 * TensorFlow 2, whose restore runs in a function, therefore needs {@code RestoreV2} allowed
 * explicitly ({@link ModelGuard#withGraphOpCheck}, {@code --allowedTfOps}), if its source is trusted.
 */
public final class GraphOps {
  static final String CHECKPOINT_OPS_TEXT = "SaveV2, RestoreV2, MergeV2Checkpoints, ShardedFilename, Save, Restore,"
      + " RestoreSlice, SaveSlices";
  static final Set<String> CHECKPOINT_OPS = Set.of(CHECKPOINT_OPS_TEXT.split(",\\s*"));

  /** The allowed ops (besides checkpoint ops in the variables restore). */
  public static final Set<String> ALLOWED = java.util.Arrays.stream((
      // graph structure and control flow
      "Const NoOp Placeholder PlaceholderWithDefault PlaceholderV2 Identity IdentityN Snapshot StopGradient"
      + " PreventGradient CheckNumerics CheckNumericsV2 EnsureShape Merge Switch Enter Exit NextIteration LoopCond"
      + " ControlTrigger While StatelessWhile If StatelessIf Case StatelessCase PartitionedCall"
      + " StatefulPartitionedCall"
      // arrays
      + " Reshape Shape ShapeN Size Rank Squeeze ExpandDims Concat ConcatV2 ConcatOffset Pack Unpack Split SplitV"
      + " Slice StridedSlice Tile Transpose ConjugateTranspose Fill ZerosLike OnesLike Gather GatherV2 GatherNd"
      + " ScatterNd TensorScatterUpdate TensorScatterAdd Where Select SelectV2 Range LinSpace OneHot Cast Bitcast"
      + " BroadcastTo BroadcastArgs BroadcastGradientArgs Pad PadV2 MirrorPad ReverseV2 Reverse Unique"
      + " UniqueV2 InvertPermutation MatrixDiag MatrixDiagV3 MatrixBandPart DynamicPartition DynamicStitch"
      + " ParallelDynamicStitch Empty"
      // math
      + " Add AddV2 AddN Sub Mul MulNoNan Div DivNoNan RealDiv FloorDiv FloorMod TruncateDiv TruncateMod Mod Neg"
      + " Abs Sign Square Sqrt Rsqrt Exp Expm1 Log Log1p Pow Maximum Minimum Floor Ceil Round Rint Reciprocal Inv"
      + " Tanh Sigmoid Sin Cos Tan Asin Acos Atan Atan2 Sinh Cosh Asinh Acosh Atanh Erf Erfc Erfinv Lgamma"
      + " Digamma SquaredDifference Xlogy Xdivy Equal NotEqual Less LessEqual Greater GreaterEqual LogicalAnd"
      + " LogicalOr LogicalNot IsNan IsInf IsFinite ClipByValue MatMul BatchMatMul BatchMatMulV2 BatchMatMulV3"
      + " SparseMatMul Einsum Sum Mean Prod Max Min All Any ArgMax ArgMin Cumsum Cumprod Cumulativelogsumexp TopKV2"
      + " InTopKV2 Bucketize ApproximateEqual BiasAdd BiasAddV1 Cross SegmentSum SegmentMean SegmentMax"
      + " UnsortedSegmentSum UnsortedSegmentMax UnsortedSegmentMin Complex Real Imag Angle"
      + " BitwiseAnd BitwiseOr BitwiseXor LeftShift RightShift"
      // neural networks
      + " Relu Relu6 Elu Selu LeakyRelu Softplus Softsign Softmax LogSoftmax Conv2D Conv3D DepthwiseConv2dNative"
      + " MaxPool MaxPoolV2 MaxPool3D AvgPool AvgPool3D FusedBatchNorm FusedBatchNormV2 FusedBatchNormV3 LRN L2Loss"
      + " SoftmaxCrossEntropyWithLogits SparseSoftmaxCrossEntropyWithLogits _FusedMatMul _FusedConv2D"
      // strings, in memory
      + " StringLength AsString StringToNumber Substr StringJoin StringSplit StringSplitV2 StaticRegexFullMatch"
      + " StaticRegexReplace RegexFullMatch RegexReplace StringLower StringUpper StringStrip"
      + " StringToHashBucketFast StringToHashBucketStrong ReduceJoin"
      // variables and lookup tables (in memory)
      + " VariableV2 Variable VarHandleOp ReadVariableOp AssignVariableOp AssignAddVariableOp AssignSubVariableOp"
      + " Assign AssignAdd AssignSub VarIsInitializedOp IsVariableInitialized DestroyResourceOp ResourceGather"
      + " HashTable HashTableV2 MutableHashTableV2 LookupTableFindV2 LookupTableImportV2 LookupTableSizeV2"
      + " LookupTableInsertV2 InitializeTableV2")
      .split(" ")).collect(java.util.stream.Collectors.toUnmodifiableSet());

  private GraphOps() {}

  /** Checks the ops of a frozen graph (checkpoint ops are never allowed in one). */
  public static void checkFrozenGraph(GraphDef def, ModelGuard guard) throws ModelLoadException {
    if (!guard.graphOpCheck()) {
      return;
    }
    Set<String> refused = new TreeSet<>();
    collect(def, null, guard, refused);
    fail(refused, "frozen graph", guard);
  }

  /**
   * Checks the ops of the SavedModel in {@code dir} (its meta graphs tagged {@code tag}), before
   * TensorFlow loads it: loading it runs its restore ops.
   */
  public static void checkSavedModel(Path dir, String tag, ModelGuard guard) throws ModelLoadException {
    if (!guard.graphOpCheck()) {
      return;
    }
    SavedModel model = read(dir);
    Set<String> refused = new TreeSet<>();
    for (MetaGraphDef meta : model.getMetaGraphsList()) {
      if (!meta.getMetaInfoDef().getTagsList().contains(tag)) {
        continue;
      }
      String filenameOp = meta.hasSaverDef() ? opName(meta.getSaverDef().getFilenameTensorName()) : null;
      collect(meta.getGraphDef(), filenameOp, guard, refused);
    }
    fail(refused, "SavedModel", guard);
  }

  private static SavedModel read(Path dir) throws ModelLoadException {
    try {
      Path pb = dir.resolve("saved_model.pb");
      if (Files.isRegularFile(pb)) {
        return SavedModel.parseFrom(Files.readAllBytes(pb));
      }
      SavedModel.Builder b = SavedModel.newBuilder();
      TextFormat.merge(Files.readString(dir.resolve("saved_model.pbtxt"), StandardCharsets.UTF_8), b);
      return b.build();
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("TensorFlow cannot load the SavedModel: its graph cannot be read to check its"
          + " operations (" + e + ")", e);
    }
  }

  /** Adds the refused ops of {@code def} (its nodes and its functions) to {@code refused}. */
  private static void collect(GraphDef def, String saverFilenameOp, ModelGuard guard, Set<String> refused) {
    Map<String, NodeDef> byName = new HashMap<>();
    for (NodeDef n : def.getNodeList()) {
      byName.put(n.getName(), n);
    }
    for (NodeDef n : def.getNodeList()) {
      if (CHECKPOINT_OPS.contains(n.getOp()) && !guard.extraAllowedOps().contains(n.getOp())) {
        if (saverFilenameOp == null || !derivesFrom(n, saverFilenameOp, byName)) {
          refused.add(n.getOp() + " (outside the variables restore)");
        }
      } else if (!allowed(n.getOp(), guard)) {
        refused.add(n.getOp());
      }
    }
    for (FunctionDef f : def.getLibrary().getFunctionList()) {
      for (NodeDef n : f.getNodeDefList()) {
        if (!allowed(n.getOp(), guard)) {
          refused.add(n.getOp() + (CHECKPOINT_OPS.contains(n.getOp()) ? " (in function "
              + f.getSignature().getName() + ")" : ""));
        }
      }
    }
  }

  private static boolean allowed(String op, ModelGuard guard) {
    return ALLOWED.contains(op) || guard.extraAllowedOps().contains(op);
  }

  /** True if the file name input (input 0) of {@code n} is computed from op {@code origin}. */
  private static boolean derivesFrom(NodeDef n, String origin, Map<String, NodeDef> byName) {
    if (n.getInputCount() == 0) {
      return false;
    }
    Deque<String> todo = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    todo.add(opName(n.getInput(0)));
    while (!todo.isEmpty()) {
      String name = todo.poll();
      if (name.equals(origin)) {
        return true;
      }
      NodeDef node = byName.get(name);
      if (node == null || !seen.add(name)) {
        continue;
      }
      for (String input : node.getInputList()) {
        if (!input.startsWith("^")) {
          todo.add(opName(input));
        }
      }
    }
    return false;
  }

  private static String opName(String tensor) {
    String name = tensor.startsWith("^") ? tensor.substring(1) : tensor;
    int colon = name.indexOf(':');
    return colon >= 0 ? name.substring(0, colon) : name;
  }

  private static void fail(Set<String> refused, String what, ModelGuard guard) throws ModelLoadException {
    if (!refused.isEmpty()) {
      throw new ModelLoadException("the " + what + " uses operations that are not on the TensorFlow op allow-list: "
          + refused + "; file-system and I/O operations are refused before the graph runs (if the model is"
          + " trusted, allow an operation with --allowedTfOps; extra allowed now: " + guard.extraAllowedOps() + ")");
    }
  }
}

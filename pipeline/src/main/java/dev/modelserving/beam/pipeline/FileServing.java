package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.model.LocalFiles;
import dev.modelserving.beam.model.ModelDescriptorCoder;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import dev.modelserving.beam.pipeline.kafka.ModelPublisher;
import dev.modelserving.beam.pipeline.kafka.PublishModelCommand;
import dev.modelserving.beam.pipeline.kafka.PublishOptions;
import dev.modelserving.beam.pipeline.record.RecordParser;
import dev.modelserving.beam.pipeline.record.RecordSchema;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.RejectedModelCoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.PCollection;

/**
 * The serving pipeline on files: records from {@code --inputFile} (CSV with a header row, or JSON
 * lines), models from {@code --modelFiles}, scored records to {@code --outputFile}, records a
 * policy sent to review to {@code --reviewFile}, shadow comparisons to {@code --comparisonFile},
 * model status reports to {@code --statusFile}, and everything else to {@code --deadLetterFile},
 * all as JSON lines.
 *
 * <p>One model file serves under any policy. Several make one set (each model named by its file
 * name) for a policy that consults several models; they are consulted in the order given.
 */
public final class FileServing {
  /** The file name of the review output when {@code --reviewFile} is not given: beside --outputFile. */
  static final String REVIEW_FILE = "review.jsonl";
  /** The file name of the comparison output when {@code --comparisonFile} is not given: beside --outputFile. */
  static final String COMPARISON_FILE = "shadow-comparisons.jsonl";
  /** The file name of the status output when {@code --statusFile} is not given: beside --outputFile. */
  static final String STATUS_FILE = "model-status.jsonl";

  private FileServing() {}

  public static Pipeline build(ServingOptions o) {
    FileSystems.setDefaultPipelineOptions(o);
    LocalFiles.requireExisting("--inputFile", o.getInputFile());
    if (o.getModelFiles() != null) {
      o.getModelFiles().forEach(file -> LocalFiles.requireExisting("--modelFiles", file));
    }
    PolicyOptions policies = policies(o);
    List<String> header = "csv".equalsIgnoreCase(o.getDataFormat().trim())
        ? headerColumns(o.getInputFile(), ServingPipeline.separator(o.getCsvSeparator()))
        : null;
    RecordSchema schema = ServingPipeline.recordSchema(o, header);
    List<ModelDescriptor> descriptors = describeModels(o);

    Pipeline p = Pipeline.create(o);
    PCollection<String> lines = p.apply("ReadRecords", TextIO.read().from(o.getInputFile()));
    // One element holds every model file, so the models reach the serving step in one bundle and make
    // its first model set together: records are never served by a part of the set.
    PCollection<ModelDescriptor> models = p
        .apply("ModelFiles", Create.<List<ModelDescriptor>>of(descriptors)
            .withCoder(ListCoder.of(ModelDescriptorCoder.of())))
        .apply("OneSetOfModels", Flatten.iterables())
        .setCoder(ModelDescriptorCoder.of());
    PCollection<RejectedModel> noRejections = p.apply("NoUnparseableModels",
        Create.empty(RejectedModelCoder.of()));

    ServingPipeline.Outputs out = ServingPipeline.serve(lines, models, noRejections, schema, o, true, policies);
    out.scoredJson.apply("ScoredJson", Values.create())
        .apply("WriteScored", TextIO.write().to(o.getOutputFile()).withoutSharding());
    out.reviewJson.apply("ReviewJson", Values.create())
        .apply("WriteReview", TextIO.write().to(reviewFile(o)).withoutSharding());
    out.comparisonsJson.apply("ComparisonsJson", Values.create())
        .apply("WriteShadowComparisons", TextIO.write().to(comparisonFile(o)).withoutSharding());
    out.failuresJson.apply("WriteDeadLetters", TextIO.write().to(o.getDeadLetterFile()).withoutSharding());
    out.statusJson.apply("StatusJson", Values.create())
        .apply("WriteModelStatus", TextIO.write().to(statusFile(o)).withoutSharding());
    return p;
  }

  /** {@code --reviewFile}, else {@value #REVIEW_FILE} in the directory of --outputFile. */
  static String reviewFile(ServingOptions o) {
    return o.getReviewFile() != null ? o.getReviewFile() : sibling(o.getOutputFile(), REVIEW_FILE);
  }

  /** {@code --comparisonFile}, else {@value #COMPARISON_FILE} in the directory of --outputFile. */
  static String comparisonFile(ServingOptions o) {
    return o.getComparisonFile() != null ? o.getComparisonFile() : sibling(o.getOutputFile(), COMPARISON_FILE);
  }

  /** {@code --statusFile}, else {@value #STATUS_FILE} in the directory of --outputFile. */
  static String statusFile(ServingOptions o) {
    return o.getStatusFile() != null ? o.getStatusFile() : sibling(o.getOutputFile(), STATUS_FILE);
  }

  /** {@code name} in the directory of {@code file} (a local path or a Beam FileSystems URI). */
  static String sibling(String file, String name) {
    int slash = file.lastIndexOf('/');
    return slash < 0 ? name : file.substring(0, slash + 1) + name;
  }

  /**
   * The policies of a file run: the model files, named by their file names, are the set, consulted
   * in the order given; several need a policy that consults several models.
   *
   * @throws IllegalArgumentException for no model file, two files of the same name, several files
   *     under the current policy, or a policy option that names a model no file has
   */
  static PolicyOptions policies(ServingOptions o) {
    List<String> files = o.getModelFiles() == null ? List.of() : o.getModelFiles();
    if (files.isEmpty()) {
      throw new IllegalArgumentException("file mode needs --modelFiles (a .pmml, a SavedModel directory or .zip, or a .pb)");
    }
    String dataType = o.getDefaultDataType();
    if (dataType == null || dataType.isEmpty()) {
      throw new IllegalArgumentException("file mode needs --defaultDataType: the data type the model files serve");
    }
    List<String> names = new ArrayList<>();
    for (String file : files) {
      String name = modelName(file);
      if (names.contains(name)) {
        throw new IllegalArgumentException("two --modelFiles are named '" + name + "'; a model file is named by its"
            + " file name, and the models of a set need different names");
      }
      names.add(name);
    }
    PolicyOptions policies = PolicyOptions.from(o, names);
    if (names.size() > 1 && policies.nameFor(dataType).equals(PolicyOptions.CURRENT)) {
      // In a bounded run the order of the model files is not defined, so "the newest" would not be either.
      throw new IllegalArgumentException("file mode serves one model per data type under the 'current' policy, and all"
          + " --modelFiles serve '" + dataType + "'; give one model file (run once per model to compare models),"
          + " or a --policy that consults several: speculative, consensus, best-confidence or routed");
    }
    return policies;
  }

  /** Descriptors for the model files: format from the file name unless --modelFormat says. */
  static List<ModelDescriptor> describeModels(ServingOptions o) {
    List<String> files = o.getModelFiles() == null ? List.of() : o.getModelFiles();
    List<ModelDescriptor> descriptors = new ArrayList<>();
    for (String file : files) {
      descriptors.add(describe(file, o.getDefaultDataType(), o));
    }
    return descriptors;
  }

  /** A model file's model name: its file name without .pmml, .zip or .pb. */
  static String modelName(String file) {
    return lastSegment(file).replaceFirst("\\.(pmml|zip|pb)$", "");
  }

  private static ModelDescriptor describe(String file, String dataType, ServingOptions o) {
    boolean remote = file.contains("://") && !file.startsWith("file://");
    Path path = remote ? null : Paths.get(file.startsWith("file://") ? file.substring("file://".length()) : file);
    String name = modelName(file);
    PublishOptions publish = new PublishOptions()
        .name(name)
        .dataType(dataType)
        .version("file")
        .description("model file " + file)
        .format(o.getModelFormat())
        .uuid(UUID.nameUUIDFromBytes(identity(file, path).getBytes(StandardCharsets.UTF_8)).toString());
    if (remote) {
      publish.location(file);
    } else if (!Files.isDirectory(path)) {
      publish.locationOfFile(); // read through Beam FileSystems when the pipeline runs, not embedded in the graph
    }
    if (o.getInputMapping() != null) {
      publish.inputMapping(PublishModelCommand.inputMapping(o.getInputMapping()));
    }
    if (o.getTensorColumns() != null) {
      publish.tensorColumns(ServingPipeline.splitList(o.getTensorColumns()));
    }
    if (o.getTensorInput() != null) {
      publish.tensorInput(o.getTensorInput());
    }
    if (o.getModelOutputs() != null) {
      publish.outputs(ServingPipeline.splitList(o.getModelOutputs()));
    }
    if (o.getSignature() != null) {
      publish.signature(o.getSignature());
    }
    if (o.getLabels() != null) {
      publish.labels(ServingPipeline.splitList(o.getLabels()));
    }
    try {
      return ModelPublisher.describe(path, publish);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String identity(String file, Path path) {
    try {
      return path == null ? file : path.toAbsolutePath() + "@" + Files.getLastModifiedTime(path).toMillis();
    } catch (IOException e) {
      return file;
    }
  }

  private static String lastSegment(String file) {
    String trimmed = file.endsWith("/") ? file.substring(0, file.length() - 1) : file;
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  /** The column names in the first line of the first file matching {@code spec}. */
  static List<String> headerColumns(String spec, char separator) {
    try {
      List<MatchResult.Metadata> matches = FileSystems.match(spec).metadata();
      if (matches.isEmpty()) {
        throw new IllegalArgumentException("--inputFile matches no file: " + spec);
      }
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(
          Channels.newInputStream(FileSystems.open(matches.get(0).resourceId())), StandardCharsets.UTF_8))) {
        String first = reader.readLine();
        if (first == null || first.isBlank()) {
          throw new IllegalArgumentException("the CSV file " + spec + " is empty; it needs a header row");
        }
        List<String> columns = new ArrayList<>();
        RecordParser.splitCsv(first, separator).forEach(c -> columns.add(c.trim()));
        return columns;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the header row of " + spec + ": " + e.getMessage(), e);
    }
  }
}

package dev.modelserving.beam.pipeline;

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
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.PCollection;

/**
 * The serving pipeline on files: records from {@code --inputFile} (CSV with a header row, or JSON
 * lines), models from {@code --modelFiles}, scored records to {@code --outputFile} and everything
 * else to {@code --deadLetterFile}, both as JSON lines.
 */
public final class FileServing {
  private FileServing() {}

  public static Pipeline build(ServingOptions o) {
    FileSystems.setDefaultPipelineOptions(o);
    List<String> header = "csv".equalsIgnoreCase(o.getDataFormat().trim())
        ? headerColumns(o.getInputFile(), ServingPipeline.separator(o.getCsvSeparator()))
        : null;
    RecordSchema schema = ServingPipeline.recordSchema(o, header);
    List<ModelDescriptor> descriptors = describeModels(o);

    Pipeline p = Pipeline.create(o);
    PCollection<String> lines = p.apply("ReadRecords", TextIO.read().from(o.getInputFile()));
    PCollection<ModelDescriptor> models =
        p.apply("ModelFiles", Create.of(descriptors).withCoder(ModelDescriptorCoder.of()));
    PCollection<RejectedModel> noRejections = p.apply("NoUnparseableModels",
        Create.empty(RejectedModelCoder.of()));

    ServingPipeline.Outputs out = ServingPipeline.serve(lines, models, noRejections, schema, o, true);
    out.scoredJson.apply("ScoredJson", Values.create())
        .apply("WriteScored", TextIO.write().to(o.getOutputFile()).withoutSharding());
    out.failuresJson.apply("WriteDeadLetters", TextIO.write().to(o.getDeadLetterFile()).withoutSharding());
    return p;
  }

  /** Descriptors for the model files: format from the file name unless --modelFormat says. */
  static List<ModelDescriptor> describeModels(ServingOptions o) {
    List<String> files = o.getModelFiles() == null ? List.of() : o.getModelFiles();
    if (files.isEmpty()) {
      throw new IllegalArgumentException("file mode needs --modelFiles (a .pmml, a SavedModel directory or .zip, or a .pb)");
    }
    String dataType = o.getDefaultDataType();
    if (dataType == null || dataType.isEmpty()) {
      throw new IllegalArgumentException("file mode needs --defaultDataType: the data type the model files serve");
    }
    if (files.size() > 1) {
      // In a bounded run the order of the model files is not defined, so "the latest" would not be either.
      throw new IllegalArgumentException("file mode serves one model per data type, and all --modelFiles serve '"
          + dataType + "'; give one model file (run once per model to compare models)");
    }
    List<ModelDescriptor> descriptors = new ArrayList<>();
    for (String file : files) {
      descriptors.add(describe(file, dataType, o));
    }
    return descriptors;
  }

  private static ModelDescriptor describe(String file, String dataType, ServingOptions o) {
    boolean remote = file.contains("://") && !file.startsWith("file://");
    Path path = remote ? null : Paths.get(file.startsWith("file://") ? file.substring("file://".length()) : file);
    String name = lastSegment(file).replaceFirst("\\.(pmml|zip|pb)$", "");
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

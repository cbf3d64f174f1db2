package dev.modelserving.beam.pipeline.kafka;

import dev.modelserving.beam.model.proto.InputMapping;
import dev.modelserving.beam.model.proto.OutputMapping;
import java.util.List;
import java.util.Map;

/**
 * What {@link ModelPublisher} says about a model besides its bytes: name, data type, version and
 * the other {@code ModelDescriptor} fields. A mutable builder; {@code name}, {@code dataType} and
 * {@code version} are required.
 */
public final class PublishOptions {
  private String name;
  private String description = "";
  private String dataType;
  private String version;
  private String format;
  private String uuid;
  private Long createdAtMillis;
  private boolean byLocation;
  private String location;
  private final InputMapping.Builder inputMapping = InputMapping.newBuilder();
  private final OutputMapping.Builder outputMapping = OutputMapping.newBuilder();

  /** Model name, e.g. "wine-quality-tree". Required. */
  public PublishOptions name(String name) {
    this.name = name;
    return this;
  }

  public PublishOptions description(String description) {
    this.description = description == null ? "" : description;
    return this;
  }

  /** The data type the model serves, e.g. "wine". Required. */
  public PublishOptions dataType(String dataType) {
    this.dataType = dataType;
    return this;
  }

  /** Required. */
  public PublishOptions version(String version) {
    this.version = version;
    return this;
  }

  /** The format id; null (the default) infers it from the file name. */
  public PublishOptions format(String format) {
    this.format = format;
    return this;
  }

  /** The model's uuid; null (the default) makes a random one. */
  public PublishOptions uuid(String uuid) {
    this.uuid = uuid;
    return this;
  }

  /** Creation time; null (the default) is the time {@code describe} runs. */
  public PublishOptions createdAtMillis(Long createdAtMillis) {
    this.createdAtMillis = createdAtMillis;
    return this;
  }

  /**
   * Send this URI ({@code file:///...}, {@code gs://...}) instead of the model bytes; the
   * pipeline reads the model from there. It must name one file (zip a SavedModel directory).
   */
  public PublishOptions location(String uri) {
    this.byLocation = true;
    this.location = uri;
    return this;
  }

  /** Send the model file's own absolute {@code file:} URI instead of its bytes. */
  public PublishOptions locationOfFile() {
    this.byLocation = true;
    this.location = null;
    return this;
  }

  /** Model input name -> record field name. */
  public PublishOptions inputMapping(Map<String, String> fieldByInput) {
    inputMapping.putAllFieldByInput(fieldByInput);
    return this;
  }

  /** For tensor models with one [-1, n] float input: the record fields in column order. */
  public PublishOptions tensorColumns(List<String> columns) {
    inputMapping.clearTensorColumns().addAllTensorColumns(columns);
    return this;
  }

  /** The name of that single tensor input. */
  public PublishOptions tensorInput(String tensorInput) {
    inputMapping.setTensorInput(tensorInput == null ? "" : tensorInput);
    return this;
  }

  /** SavedModel signature; empty means "serving_default". */
  public PublishOptions signature(String signature) {
    outputMapping.setSignature(signature == null ? "" : signature);
    return this;
  }

  /** The outputs that make up the result; empty means all / the target. */
  public PublishOptions outputs(List<String> outputs) {
    outputMapping.clearOutputs().addAllOutputs(outputs);
    return this;
  }

  /** Class labels of a probability-vector output, in index order. */
  public PublishOptions labels(List<String> labels) {
    outputMapping.clearLabels().addAllLabels(labels);
    return this;
  }

  String name() {
    return name;
  }

  String description() {
    return description;
  }

  String dataType() {
    return dataType;
  }

  String version() {
    return version;
  }

  String format() {
    return format;
  }

  String uuid() {
    return uuid;
  }

  Long createdAtMillis() {
    return createdAtMillis;
  }

  boolean byLocation() {
    return byLocation;
  }

  String location() {
    return location;
  }

  InputMapping inputMapping() {
    return inputMapping.build();
  }

  OutputMapping outputMapping() {
    return outputMapping.build();
  }
}

package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.pipeline.kafka.KafkaClientOptions;
import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * Options of the serving pipeline. Kafka mode is the default; give {@code --inputFile} and {@code
 * --modelFiles} to score files instead. {@code --policy} (and {@code --policies} per data type)
 * chooses how the models of a data type's set answer ({@link PolicyOptions}); the Kafka client
 * settings (TLS, SASL, timeouts) come from {@link KafkaClientOptions}. {@code --help=ServingOptions}
 * lists them all.
 */
public interface ServingOptions extends PipelineOptions, StreamingOptions, RecoveryOptions, KafkaClientOptions {

  // ---- Kafka mode
  @Description("Kafka bootstrap servers")
  @Default.String("127.0.0.1:9092")
  String getBootstrapServers();

  void setBootstrapServers(String value);

  @Description("Topic of input records (CSV or JSON text values)")
  @Default.String("wine-records")
  String getDataTopic();

  void setDataTopic(String value);

  @Description("Compacted topic of ModelDescriptor messages (protobuf), keyed by <dataType>/<modelName>; read from its beginning on a fresh start")
  @Default.String("models")
  String getModelTopic();

  void setModelTopic(String value);

  @Description("Topic the scored records are written to, as JSON")
  @Default.String("scored-records")
  String getOutputTopic();

  void setOutputTopic(String value);

  @Description("Topic for records that were not scored (dead letters and unserved) and rejected models, as JSON with a reason")
  @Default.String("dead-letters")
  String getDeadLetterTopic();

  void setDeadLetterTopic(String value);

  @Description("Topic for records a serving policy sent to review instead of scoring them (best-confidence below --minConfidence), as JSON with their decision trace")
  @Default.String("review-records")
  String getReviewTopic();

  void setReviewTopic(String value);

  @Description("Topic for shadow comparisons (routed policy with --shadowModels or a routing message with shadows), as JSON")
  @Default.String("shadow-comparisons")
  String getComparisonTopic();

  void setComparisonTopic(String value);

  @Description("Kafka consumer group of the data topic; offsets are committed when a checkpoint finalizes")
  @Default.String("model-serving")
  String getConsumerGroup();

  void setConsumerGroup(String value);

  @Description("Create missing topics before starting (the model topic compacted, with 1 partition)")
  @Default.Boolean(true)
  boolean getCreateTopics();

  void setCreateTopics(boolean value);

  @Description("Partitions of topics created by --createTopics (except the model topic, which has 1)")
  @Default.Integer(2)
  int getTopicPartitions();

  void setTopicPartitions(int value);

  @Description("Stop reading the data topic after this many records (0 = never); makes a bounded run, for tests and benchmarks")
  @Default.Long(0)
  long getMaxRecords();

  void setMaxRecords(long value);

  @Description("Stop reading the model topic after this many models (0 = never); use with --maxRecords")
  @Default.Long(0)
  long getMaxModels();

  void setMaxModels(long value);

  @Description("Stop the pipeline after this many seconds (0 = run until stopped or the input ends)")
  @Default.Long(0)
  long getDurationSeconds();

  void setDurationSeconds(long value);

  // ---- Records
  @Description("Record format: csv or json (one JSON object per line)")
  @Default.String("csv")
  String getDataFormat();

  void setDataFormat(String value);

  @Description("CSV column names, comma-separated (Kafka mode; in file mode the header row is used when this is not set)")
  @Default.String("id,data_type,wine_type,fixed_acidity,volatile_acidity,citric_acid,residual_sugar,chlorides,free_sulfur_dioxide,total_sulfur_dioxide,density,pH,sulphates,alcohol,quality")
  String getCsvColumns();

  void setCsvColumns(String value);

  @Description("CSV separator character; 'tab' for a tab")
  @Default.String(",")
  String getCsvSeparator();

  void setCsvSeparator(String value);

  @Description("Field holding the record id")
  @Default.String("id")
  String getIdField();

  void setIdField(String value);

  @Description("Field holding the data type, the key that selects the model")
  @Default.String("data_type")
  String getDataTypeField();

  void setDataTypeField(String value);

  @Description("Data type of records that have no data-type field")
  @Default.String("wine")
  String getDefaultDataType();

  void setDefaultDataType(String value);

  @Description("Served data types, comma-separated; records and models of other types are dead-lettered / rejected. Empty (the default): any type")
  @Default.String("")
  String getDataTypes();

  void setDataTypes(String value);

  @Description("JSON records: the fields every record has, comma-separated, so that a model reading other fields is rejected when it loads (CSV records use their columns)")
  String getRecordFields();

  void setRecordFields(String value);

  // ---- Serving
  @Description("Where models live: 'keyed' (Beam keyed state; batches shuffled to the key that holds the model), 'broadcast' (a side input; records scored where they are read, no shuffle), or 'auto': keyed on Kafka, broadcast for files")
  @Default.String("auto")
  String getServingMode();

  void setServingMode(String value);

  @Description("When a new model takes over: 'when-ready' (the current model serves while the new one loads; no pause) or 'in-order' (records after the model wait until it has loaded)")
  @Default.String("when-ready")
  String getSwapPolicy();

  void setSwapPolicy(String value);

  @Description("Smallest batch per model call; in keyed mode a smaller batch waits (at most --maxBatchWaitMillis) for more records")
  @Default.Integer(1)
  int getMinBatchSize();

  void setMinBatchSize(int value);

  @Description("Largest batch per model call")
  @Default.Integer(500)
  int getMaxBatchSize();

  void setMaxBatchSize(int value);

  @Description("Longest a record waits for its batch to fill, in milliseconds, at any input rate (on Flink the bundle time is kept below it unless --maxBundleTimeMills is given)")
  @Default.Long(10)
  long getMaxBatchWaitMillis();

  void setMaxBatchWaitMillis(long value);

  @Description("Most models loaded at once per JVM; past it the least recently used is closed and loaded again when needed")
  @Default.Integer(200)
  int getMaxLoadedModels();

  void setMaxLoadedModels(int value);

  @Description("Keyed mode: keys per data type, so one data type can use several cores; models go to every shard. 0 (the default): the runner's parallelism")
  @Default.Integer(0)
  int getShards();

  void setShards(int value);

  @Description("Accept records with non-finite numbers (NaN, Infinity, numbers beyond a double such as 1e309) in their"
      + " fields; by default such a record is dead-lettered (stage PARSE) with the field named")
  @Default.Boolean(false)
  boolean getAllowNonFiniteInputs();

  void setAllowNonFiniteInputs(boolean value);

  @Description("Records that arrive before any model: 'hold' (score them when the first model arrives) or 'unserved' (emit them as unserved at once)")
  @Default.String("hold")
  String getNoModelPolicy();

  void setNoModelPolicy(String value);

  @Description("With --noModelPolicy=hold: records held per key at most; more go to unserved")
  @Default.Integer(10_000)
  int getMaxHeldRecords();

  void setMaxHeldRecords(int value);

  @Description("With --noModelPolicy=hold: seconds a record is held at most before it goes to unserved")
  @Default.Long(300)
  long getMaxHoldSeconds();

  void setMaxHoldSeconds(long value);

  // ---- Serving policies
  @Description("How the models of a data type's set answer its records, for every data type: 'current' (the newest model alone), 'speculative' (every model within --latencyBudgetMillis, --fastModel always waited for), 'consensus' (the models vote), 'best-confidence' (the most confident answer; below --minConfidence, review) or 'routed' (weights and shadows from routing messages)")
  @Default.String("current")
  String getPolicy();

  void setPolicy(String value);

  @Description("Policies of single data types, overriding --policy for them: dataType:policy pairs, comma-separated, e.g. wine:speculative,beer:routed")
  @Default.String("")
  String getPolicies();

  void setPolicies(String value);

  @Description("Latency budget in milliseconds: required by 'speculative'; with 'consensus' or 'best-confidence' only the answers within it count. 0: none")
  @Default.Long(0)
  long getLatencyBudgetMillis();

  void setLatencyBudgetMillis(long value);

  @Description("The model always waited for under a latency budget (the guaranteed answer); required with --latencyBudgetMillis")
  String getFastModel();

  void setFastModel(String value);

  @Description("The models to consult, comma-separated, in order: the preference of 'speculative' (best first; the fast model is added last), the voters of 'consensus' and the candidates of 'best-confidence' (the order breaks ties). Default: every model of the set, newest first")
  String getPreferModels();

  void setPreferModels(String value);

  @Description("How 'consensus' combines numeric (regression) answers: 'median' or 'mean'")
  @Default.String("median")
  String getConsensusRegression();

  void setConsensusRegression(String value);

  @Description("'best-confidence': the lowest confidence, in [0, 1], that is scored; a record whose best answer is less sure goes to review")
  @Default.Double(0.7)
  double getMinConfidence();

  void setMinConfidence(double value);

  @Description("'routed': the weighted split before any routing message arrives, as model=weight pairs, comma-separated, e.g. wine-tree=90,wine-forest=10")
  String getRouteWeights();

  void setRouteWeights(String value);

  @Description("'routed': shadow models before any routing message arrives, comma-separated; they score every record and are only compared")
  String getShadowModels();

  void setShadowModels(String value);

  @Description("'routed': a shadow's numeric answer agrees with the result when at most this far from it")
  @Default.Double(0)
  double getShadowTolerance();

  void setShadowTolerance(double value);

  @Description("The most models (distinct names) one data type's set holds; a model with a new name past it is rejected")
  @Default.Integer(8)
  int getMaxModelsPerDataType();

  void setMaxModelsPerDataType(int value);

  // ---- File mode
  @Description("Score this file (CSV with a header row, or JSON lines) instead of Kafka; a Beam FileSystems path or glob")
  String getInputFile();

  void setInputFile(String value);

  @Description("File mode: the model files: .pmml, a SavedModel directory or its .zip, or a frozen graph .pb; several (comma-separated, each named by its file name) make one set for a --policy other than 'current', consulted in the order given")
  List<String> getModelFiles();

  void setModelFiles(List<String> value);

  @Description("File mode: where scored records are written, as JSON lines")
  @Default.String("scored.jsonl")
  String getOutputFile();

  void setOutputFile(String value);

  @Description("File mode: where dead letters, unserved records and rejected models are written, as JSON lines")
  @Default.String("dead-letters.jsonl")
  String getDeadLetterFile();

  void setDeadLetterFile(String value);

  @Description("File mode: where records sent to review are written, as JSON lines. Default: review.jsonl beside --outputFile")
  String getReviewFile();

  void setReviewFile(String value);

  @Description("File mode: where shadow comparisons are written, as JSON lines. Default: shadow-comparisons.jsonl beside --outputFile")
  String getComparisonFile();

  void setComparisonFile(String value);

  @Description("File mode: model format, when it cannot be told from the file name (pmml, tensorflow-saved-model, tensorflow-frozen-graph)")
  String getModelFormat();

  void setModelFormat(String value);

  @Description("File mode: tensor models fed one float [-1,n] tensor: the record fields in column order, comma-separated")
  String getTensorColumns();

  void setTensorColumns(String value);

  @Description("File mode: the tensor input (signature input key, or graph operation for a frozen graph)")
  String getTensorInput();

  void setTensorInput(String value);

  @Description("File mode: model outputs to use, comma-separated: TensorFlow signature output keys or graph operations; PMML target or output fields (the first is the primary prediction)")
  String getModelOutputs();

  void setModelOutputs(String value);

  @Description("File mode: SavedModel signature key (default serving_default)")
  String getSignature();

  void setSignature(String value);

  @Description("File mode: class labels of a probability-vector output, comma-separated")
  String getLabels();

  void setLabels(String value);

  @Description("File mode: model input -> record field mapping, as 'model input=record field;...' (names may contain spaces)")
  String getInputMapping();

  void setInputMapping(String value);

  // ---- Model status
  @Description("Topic the model status reports are written to, as JSON keyed by data type: each data type's current models with the records they scored and their latency, on every model change and every --statusIntervalSeconds (created compacted, 1 partition). Read it with the 'status' command. Empty: no status stream")
  @Default.String("model-status")
  String getStatusTopic();

  void setStatusTopic(String value);

  @Description("Seconds between two status reports of a data type, besides the report on every model change")
  @Default.Long(30)
  long getStatusIntervalSeconds();

  void setStatusIntervalSeconds(long value);

  @Description("File mode: where the model status reports are written, as JSON lines (one on every model change, one when the input ends). Default: model-status.jsonl beside --outputFile")
  String getStatusFile();

  void setStatusFile(String value);

  // ---- Trust and limits (see README, "Signed models" and "Hostile input")
  @Description("Public key files (.pub, from the keygen command) or directories of them, comma-separated: only model messages signed by one of these keys are loaded (several keys at once for rotation). Empty (the default): signatures are not checked. Applies to the model topic; file mode's --modelFiles are given on the command line and not checked")
  String getTrustedKeys();

  void setTrustedKeys(String value);

  @Description("Where a model given by location may be read from: URI prefixes or schemes, comma-separated, e.g. file:///models/,gs://bucket/models/. 'none': no location is read")
  @Default.String("file:")
  String getModelLocations();

  void setModelLocations(String value);

  @Description("The most bytes a model may have (inline or at its location); a larger model is rejected")
  @Default.Long(536_870_912L)
  long getMaxModelBytes();

  void setMaxModelBytes(long value);

  @Description("The most entries (files and directories) a model archive (a zipped SavedModel) may have")
  @Default.Integer(10_000)
  int getMaxArchiveEntries();

  void setMaxArchiveEntries(int value);

  @Description("The most files a model archive may have")
  @Default.Integer(1_000)
  int getMaxArchiveFiles();

  void setMaxArchiveFiles(int value);

  @Description("The most bytes a model archive may unpack to (counted as it is read, not as it declares)")
  @Default.Long(2_147_483_648L)
  long getMaxUnpackedBytes();

  void setMaxUnpackedBytes(long value);

  @Description("Check TensorFlow graphs against the op allow-list before they run (file-system and I/O ops are refused)")
  @Default.Boolean(true)
  boolean getCheckTfOps();

  void setCheckTfOps(boolean value);

  @Description("TensorFlow ops allowed beside the allow-list, comma-separated, e.g. RestoreV2 for a trusted SavedModel exported from Python")
  String getAllowedTfOps();

  void setAllowedTfOps(String value);
}

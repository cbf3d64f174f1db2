package dev.modelserving.beam.pipeline;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Hidden;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * How a Kafka run survives a stop or a crash: where Flink keeps its checkpoints, whether a new run
 * resumes from the newest one, and the delivery guarantee of the output topics. The checkpoint
 * interval and state backend are the Flink runner's own {@code --checkpointingInterval} and {@code
 * --stateBackend}; the application only gives them defaults (see {@code FlinkRecovery}).
 */
public interface RecoveryOptions extends PipelineOptions {
  @Description("Flink: where checkpoints are kept, as <checkpointDir>/<consumerGroup>/<Flink job id>/chk-<n> (a local"
      + " path or a URI every Flink process can reach). Default: $MODEL_SERVING_CHECKPOINT_DIR, else"
      + " ~/.model-serving/checkpoints")
  String getCheckpointDir();

  void setCheckpointDir(String value);

  @Description("Flink: 'latest' restores the newest retained checkpoint of this pipeline (the same --checkpointDir and"
      + " --consumerGroup) when there is one: its models, held records and Kafka offsets; 'none' starts afresh from the"
      + " data topic's committed offsets and the model topic's history. --savepointPath wins over both")
  @Default.String("latest")
  String getResume();

  void setResume(String value);

  @Description("Output topics: 'exactly-once' writes in Kafka transactions committed with each Flink checkpoint (a"
      + " record appears once checkpointed: up to one checkpoint interval later); 'at-least-once' writes at once, and"
      + " after a crash the records scored since the last checkpoint may appear twice (the same 'id'); 'auto' (the"
      + " default): at-least-once")
  @Default.String("auto")
  String getOutputDelivery();

  void setOutputDelivery(String value);

  /** Set by the application: the checkpoint or savepoint this run restores, or null for a fresh start. */
  @Hidden
  String getRestoredFrom();

  void setRestoredFrom(String value);
}

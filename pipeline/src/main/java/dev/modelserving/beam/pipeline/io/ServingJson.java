package dev.modelserving.beam.pipeline.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import java.time.Instant;
import java.util.Map;

/**
 * The JSON forms written to Kafka topics and files; the schema is documented in README.md
 * ("Output records").
 */
public final class ServingJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServingJson() {}

  /** A scored record: input, result, model identity, decision, time served and scoring latency. */
  public static String scored(ScoredRecord<DataRecord> r) {
    ObjectNode node = JSON.createObjectNode();
    DataRecord input = r.getInput();
    node.put("id", input.getId());
    node.put("dataType", r.getDataType());
    ObjectNode fields = node.putObject("input");
    for (Map.Entry<String, Object> e : input.getFields().entrySet()) {
      putValue(fields, e.getKey(), e.getValue());
    }
    ObjectNode result = node.putObject("result");
    ModelOutput out = r.getOutput();
    if (out.getValue() != null) {
      result.put("value", out.getValue());
    }
    if (out.getLabel() != null) {
      result.put("label", out.getLabel());
    }
    if (!out.getProbabilities().isEmpty()) {
      ObjectNode p = result.putObject("probabilities");
      out.getProbabilities().forEach(p::put);
    }
    if (!out.getFields().isEmpty()) {
      ObjectNode f = result.putObject("fields");
      out.getFields().forEach((name, value) -> putValue(f, name, value));
    }
    putModel(node, r.getModelName(), r.getModelVersion(), r.getModelUuid(), r.getModelFormat());
    node.put("decision", r.getDecision());
    node.put("servedAt", Instant.ofEpochMilli(r.getServedAtMillis()).toString());
    node.put("latencyMicros", r.getLatencyNanos() / 1000.0);
    node.put("batchSize", r.getBatchSize());
    return write(node);
  }

  /** A record that was not scored: {@code kind} is "dead-letter" or "unserved". */
  public static String deadLetter(DeadLetter d) {
    ObjectNode node = JSON.createObjectNode();
    node.put("kind", d.getStage() == DeadLetter.Stage.UNSERVED ? "unserved" : "dead-letter");
    node.put("stage", d.getStage().name());
    node.put("dataType", d.getDataType());
    node.put("reason", d.getReason());
    node.put("payload", d.getPayload());
    node.put("failedAt", Instant.ofEpochMilli(d.getFailedAtMillis()).toString());
    return write(node);
  }

  /** A model that was refused; the previous model of its data type keeps serving. */
  public static String rejectedModel(RejectedModel m) {
    ObjectNode node = JSON.createObjectNode();
    node.put("kind", "rejected-model");
    node.put("stage", "MODEL");
    node.put("dataType", m.getDataType());
    putModel(node, m.getName(), m.getVersion(), m.getUuid(), m.getFormat());
    node.put("reason", m.getReason());
    node.put("failedAt", Instant.ofEpochMilli(m.getRejectedAtMillis()).toString());
    return write(node);
  }

  private static void putModel(ObjectNode node, String name, String version, String uuid, String format) {
    ObjectNode model = node.putObject("model");
    model.put("name", name);
    model.put("version", version);
    model.put("uuid", uuid);
    model.put("format", format);
  }

  private static void putValue(ObjectNode node, String name, Object v) {
    if (v == null) {
      node.putNull(name);
    } else if (v instanceof Double) {
      node.put(name, (Double) v);
    } else {
      node.put(name, v.toString());
    }
  }

  private static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}

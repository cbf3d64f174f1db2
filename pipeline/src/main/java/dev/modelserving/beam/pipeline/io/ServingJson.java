package dev.modelserving.beam.pipeline.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelserving.beam.model.ModelOutput;
import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.record.DeadLetter;
import dev.modelserving.beam.record.DecisionTrace;
import dev.modelserving.beam.record.ModelAnswer;
import dev.modelserving.beam.record.RejectedModel;
import dev.modelserving.beam.record.ScoredRecord;
import dev.modelserving.beam.record.ShadowComparison;
import java.time.Instant;
import java.util.Map;

/**
 * The JSON forms written to Kafka topics and files: scored records (with their decision trace),
 * review records, shadow comparisons, dead letters and rejected models. The schema is documented in
 * README.md ("Output records" and "Serving policies").
 */
public final class ServingJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServingJson() {}

  /**
   * A scored record: input, result, model identity, decision, time served, scoring latency, and the
   * decision trace (every model the policy consulted, with its answer, and why the winner won).
   */
  public static String scored(ScoredRecord<DataRecord> r) {
    return write(scoredNode(r));
  }

  /**
   * A record a policy sent to review instead of scoring it: the same fields as {@link #scored},
   * after {@code "kind":"review"}; its result is the best answer there was.
   */
  public static String review(ScoredRecord<DataRecord> r) {
    ObjectNode node = JSON.createObjectNode();
    node.put("kind", "review");
    node.setAll(scoredNode(r));
    return write(node);
  }

  /**
   * A shadow model's answer next to the result's for one record: {@code kind}, the record's {@code
   * id} and {@code dataType}, whether they {@code agree}, and the {@code primary} and {@code shadow}
   * model with its answer (as in a trace's {@code models}).
   */
  public static String comparison(ShadowComparison c) {
    ObjectNode node = JSON.createObjectNode();
    node.put("kind", "shadow-comparison");
    node.put("id", c.getRecordId());
    node.put("dataType", c.getDataType());
    node.put("agree", c.agrees());
    putAnswer(node.putObject("primary"), c.getPrimary());
    putAnswer(node.putObject("shadow"), c.getShadow());
    return write(node);
  }

  private static ObjectNode scoredNode(ScoredRecord<DataRecord> r) {
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
    putOutput(result, out);
    if (!out.getFields().isEmpty()) {
      ObjectNode f = result.putObject("fields");
      out.getFields().forEach((name, value) -> putValue(f, name, value));
    }
    putModel(node, r.getModelName(), r.getModelVersion(), r.getModelUuid(), r.getModelFormat());
    node.put("decision", r.getDecision());
    node.put("servedAt", Instant.ofEpochMilli(r.getServedAtMillis()).toString());
    node.put("latencyMicros", r.getLatencyNanos() / 1000.0);
    node.put("batchSize", r.getBatchSize());
    putTrace(node.putObject("trace"), r.getTrace());
    return node;
  }

  /** {@code {"policy", "winner", "reason", "models": [...]}}; winner is null when no model won. */
  private static void putTrace(ObjectNode node, DecisionTrace trace) {
    node.put("policy", trace.getPolicy());
    node.put("winner", trace.getWinner());
    node.put("reason", trace.getReason());
    ArrayNode models = node.putArray("models");
    for (ModelAnswer a : trace.getAnswers()) {
      putAnswer(models.addObject(), a);
    }
  }

  /** One model's answer: identity, role, status, and the answer or the failure, and the call's latency. */
  private static void putAnswer(ObjectNode node, ModelAnswer a) {
    node.put("name", a.getModelName());
    node.put("version", a.getModelVersion());
    node.put("uuid", a.getModelUuid());
    node.put("role", a.getRole());
    node.put("status", a.getStatus().name());
    if (a.getOutput() != null) {
      putOutput(node.putObject("answer"), a.getOutput());
    }
    if (a.getFailure() != null) {
      node.put("failure", a.getFailure());
    }
    node.put("latencyMicros", a.getLatencyNanos() / 1000.0);
  }

  /** The primary prediction: {@code value} (regression) or {@code label} with {@code probabilities}. */
  private static void putOutput(ObjectNode node, ModelOutput out) {
    if (out.getValue() != null) {
      node.put("value", out.getValue());
    }
    if (out.getLabel() != null) {
      node.put("label", out.getLabel());
    }
    if (!out.getProbabilities().isEmpty()) {
      ObjectNode p = node.putObject("probabilities");
      out.getProbabilities().forEach(p::put);
    }
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

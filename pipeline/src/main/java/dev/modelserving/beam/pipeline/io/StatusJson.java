package dev.modelserving.beam.pipeline.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelserving.beam.status.ModelInfo;
import dev.modelserving.beam.status.ModelStatusReport;
import java.time.Instant;

/**
 * The JSON form of a {@link ModelStatusReport}, as the status topic and {@code --statusFile} hold
 * it (schema in README "Model status"): times as ISO-8601 instants, a load time of a model that was
 * not loaded and the latency of a model with no call yet as null.
 */
public final class StatusJson {
  /** The value of the report's {@code kind} field. */
  public static final String KIND = "model-status";

  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusJson() {}

  public static String report(ModelStatusReport r) {
    ObjectNode node = JSON.createObjectNode();
    node.put("kind", KIND);
    node.put("dataType", r.getDataType());
    node.put("sequence", r.getSequence());
    node.put("reportedAt", instant(r.getReportedAtMillis()));
    node.put("trigger", r.getTrigger().label());
    node.put("policy", r.getPolicy());
    ModelStatusReport.Change c = r.getLastChange();
    if (c == null) {
      node.putNull("lastChange");
    } else {
      ObjectNode change = node.putObject("lastChange");
      change.put("kind", c.getKind().label());
      change.put("model", c.getModelName());
      change.put("version", c.getModelVersion());
      change.put("uuid", c.getModelUuid());
      change.put("at", instant(c.getAtMillis()));
    }
    ArrayNode models = node.putArray("models");
    for (ModelStatusReport.Model m : r.getModels()) {
      ObjectNode model = models.addObject();
      ModelInfo info = m.getInfo();
      model.put("name", info.getName());
      model.put("version", info.getVersion());
      model.put("uuid", info.getUuid());
      model.put("format", info.getFormat());
      model.put("role", info.getRole());
      if (info.getLoadedAtMillis() > 0) {
        model.put("loadedAt", instant(info.getLoadedAtMillis()));
      } else {
        model.putNull("loadedAt");
      }
      model.put("currentSince", instant(m.getCurrentSinceMillis()));
      model.put("scored", m.getScored());
      model.put("won", m.getWon());
      model.put("failed", m.getFailed());
      model.put("calls", m.getCalls());
      if (m.getCalls() > 0) {
        ObjectNode latency = model.putObject("latencyMicros");
        latency.put("min", m.getLatencyMinMicros());
        latency.put("mean", Math.round(m.getLatencyMeanMicros() * 10) / 10.0);
        latency.put("max", m.getLatencyMaxMicros());
      } else {
        model.putNull("latencyMicros");
      }
    }
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static String instant(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}

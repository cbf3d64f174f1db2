package dev.modelserving.beam.pipeline.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders model status reports ({@link StatusJson}) as a readable table: per data type its policy,
 * the report's number, trigger and age, the last change, then one row per current model.
 */
public final class StatusTable {
  private static final String[] HEADER = {
      "MODEL", "VERSION", "ROLE", "FORMAT", "LOADED AT", "CURRENT SINCE", "SCORED", "WON", "FAILED", "CALLS",
      "LATENCY µs MIN/MEAN/MAX"};
  /** Right-aligned columns (numbers). */
  private static final boolean[] RIGHT = {false, false, false, false, false, false, true, true, true, true, false};

  private StatusTable() {}

  /** The reports, one block per data type, as lines; {@code now} gives each report's age. */
  public static List<String> render(List<JsonNode> reports, Instant now) {
    List<String> lines = new ArrayList<>();
    for (JsonNode r : reports) {
      if (!lines.isEmpty()) {
        lines.add("");
      }
      lines.add(r.path("dataType").asText() + "   policy " + r.path("policy").asText() + "   report #"
          + r.path("sequence").asLong() + " (" + r.path("trigger").asText() + ") at " + r.path("reportedAt").asText()
          + age(r.path("reportedAt").asText(), now));
      JsonNode c = r.path("lastChange");
      if (c.isObject()) {
        String model = c.path("model").asText();
        lines.add("  last change: " + c.path("kind").asText()
            + (model.isEmpty() ? "" : " '" + model + "' v" + c.path("version").asText()) + " at " + c.path("at").asText());
      }
      JsonNode models = r.path("models");
      if (models.size() == 0) {
        lines.add("  no models");
        continue;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(HEADER);
      for (JsonNode m : models) {
        rows.add(new String[] {
            m.path("name").asText(), m.path("version").asText(), m.path("role").asText(), m.path("format").asText(),
            text(m.path("loadedAt")), text(m.path("currentSince")), m.path("scored").asText(), m.path("won").asText(),
            m.path("failed").asText(), m.path("calls").asText(), latency(m.path("latencyMicros"))});
      }
      lines.addAll(columns(rows));
    }
    return lines;
  }

  private static List<String> columns(List<String[]> rows) {
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String cell = row[i];
        String pad = " ".repeat(widths[i] - cell.length());
        line.append("  ").append(RIGHT[i] ? pad + cell : i == row.length - 1 ? cell : cell + pad);
      }
      lines.add(line.toString());
    }
    return lines;
  }

  private static String latency(JsonNode l) {
    if (!l.isObject()) {
      return "-";
    }
    return l.path("min").asText() + " / " + l.path("mean").asText() + " / " + l.path("max").asText();
  }

  private static String text(JsonNode n) {
    return n.isNull() || n.isMissingNode() ? "-" : n.asText();
  }

  private static String age(String instant, Instant now) {
    try {
      long seconds = Duration.between(Instant.parse(instant), now).getSeconds();
      return seconds < 0 ? "" : " (" + seconds + " s ago)";
    } catch (DateTimeParseException e) {
      return "";
    }
  }
}

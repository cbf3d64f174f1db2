package dev.modelserving.beam.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code benchmarks.svg}: a horizontal bar chart of records a second, one panel per model (each with
 * its own scale, since models differ by orders of magnitude), one bar per figure, coloured by suite.
 * Written as plain SVG text.
 */
public final class SvgChart {
  static final int WIDTH = 960;
  static final int LABEL_WIDTH = 330;
  static final int VALUE_WIDTH = 90;
  static final int BAR_HEIGHT = 18;
  static final int BAR_GAP = 6;
  static final int PANEL_TITLE = 28;
  static final int PANEL_GAP = 18;
  static final int TOP = 40;
  private static final String[] PALETTE = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"
  };

  private SvgChart() {}

  public static String render(Report report) {
    Map<String, String> colours = coloursBySuite(report.results());
    List<String> models = report.models();
    int bars = report.results().size();
    int height = TOP + models.size() * (PANEL_TITLE + PANEL_GAP) + bars * (BAR_HEIGHT + BAR_GAP)
        + 30 + 20 * ((colours.size() + 3) / 4);
    StringBuilder s = new StringBuilder();
    s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, height, WIDTH, height));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append("<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">")
        .append(escape("Records per second (higher is better); each panel has its own scale"))
        .append("</text>\n");
    int y = TOP;
    double barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
    for (String model : models) {
      List<BenchmarkResult> panel = new ArrayList<>();
      for (BenchmarkResult r : report.results()) {
        if (r.model().equals(model)) {
          panel.add(r);
        }
      }
      double max = panel.stream().mapToDouble(BenchmarkResult::recordsPerSecond)
          .filter(v -> !Double.isNaN(v) && !Double.isInfinite(v)).max().orElse(0);
      s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
          y + 18, escape("model: " + model)));
      y += PANEL_TITLE;
      for (BenchmarkResult r : panel) {
        double v = r.recordsPerSecond();
        double width = max > 0 && v > 0 && !Double.isInfinite(v) ? barSpace * v / max : 0;
        String label = r.label() + " · p=" + r.parallelism();
        s.append(String.format(Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
            LABEL_WIDTH - 8, y + BAR_HEIGHT - 5, escape(label)));
        s.append(String.format(Locale.ROOT,
            "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>\n",
            LABEL_WIDTH, y, width, BAR_HEIGHT, colours.get(r.suite()),
            escape(label + ": " + Format.rate(v) + " records/s")));
        s.append(String.format(Locale.ROOT,
            "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
            LABEL_WIDTH + width + 6, y + BAR_HEIGHT - 5, escape(Format.shortRate(v))));
        y += BAR_HEIGHT + BAR_GAP;
      }
      y += PANEL_GAP;
    }
    int i = 0;
    for (Map.Entry<String, String> c : colours.entrySet()) {
      int x = 10 + (i % 4) * 230;
      int ly = y + 10 + (i / 4) * 20;
      s.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
          x, ly, c.getValue(), x + 20, ly + 12, escape(c.getKey())));
      i++;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /** A colour per suite, in order of first appearance. */
  static Map<String, String> coloursBySuite(List<BenchmarkResult> results) {
    Map<String, String> colours = new LinkedHashMap<>();
    for (BenchmarkResult r : results) {
      colours.computeIfAbsent(r.suite(), k -> PALETTE[colours.size() % PALETTE.length]);
    }
    return colours;
  }

  /** Text safe in SVG (XML) content and attributes. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

package dev.modelserving.beam.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code benchmarks.svg}: a horizontal bar chart of records a second, one panel per model (each with
 * its own scale, since models differ by orders of magnitude), one bar per figure, coloured by suite.
 * Below them, when there are latency figures, a panel of per-row p50, p99 and p99.9 bars on a
 * logarithmic millisecond scale. Written as plain SVG text.
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
    List<LatencyResult> latencies = drawable(report.latencies());
    int latencyHeight = latencies.isEmpty() ? 0
        : PANEL_TITLE + LATENCY_AXIS + latencies.size() * (BAR_HEIGHT + BAR_GAP) + PANEL_GAP + 20;
    int height = TOP + models.size() * (PANEL_TITLE + PANEL_GAP) + bars * (BAR_HEIGHT + BAR_GAP)
        + 30 + 20 * ((colours.size() + 3) / 4) + latencyHeight;
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
    y += 30 + 20 * ((colours.size() + 3) / 4);
    if (!latencies.isEmpty()) {
      latencyPanel(s, latencies, y, barSpace);
    }
    s.append("</svg>\n");
    return s.toString();
  }

  static final int LATENCY_AXIS = 22;
  private static final String[] LATENCY_SHADES = {"#c6dbef", "#6baed6", "#08519c"};

  /** The latency rows that have a p50 to draw. */
  static List<LatencyResult> drawable(List<LatencyResult> latencies) {
    List<LatencyResult> out = new ArrayList<>();
    for (LatencyResult l : latencies) {
      if (l.p50() > 0 && !Double.isInfinite(l.p50())) {
        out.add(l);
      }
    }
    return out;
  }

  /** p99.9 (lightest, longest), p99 and p50 (darkest) of each row, overlaid, on a log scale. */
  private static void latencyPanel(StringBuilder s, List<LatencyResult> rows, int top, double barSpace) {
    double lowest = Double.MAX_VALUE;
    double highest = 0;
    for (LatencyResult l : rows) {
      for (double v : new double[] {l.p50(), l.p99(), l.p999()}) {
        if (v > 0 && !Double.isNaN(v) && !Double.isInfinite(v)) {
          lowest = Math.min(lowest, v);
          highest = Math.max(highest, v);
        }
      }
    }
    double from = Math.pow(10, Math.floor(Math.log10(lowest)));
    double to = Math.pow(10, Math.ceil(Math.log10(highest * 1.0001)));
    s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
        top + 18, escape("Latency in ms, log scale (lower is better): p50 dark, p99 mid, p99.9 light")));
    int y = top + PANEL_TITLE;
    for (double tick = from; tick <= to * 1.0001; tick *= 10) {
      double x = LABEL_WIDTH + logX(tick, from, to, barSpace);
      s.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
          x, y + LATENCY_AXIS - 4, x, y + LATENCY_AXIS + rows.size() * (BAR_HEIGHT + BAR_GAP), x, y + 12,
          escape(Format.millis(tick))));
    }
    y += LATENCY_AXIS;
    for (LatencyResult l : rows) {
      String label = l.label() + " · " + l.model() + " · p=" + l.parallelism();
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
          LABEL_WIDTH - 8, y + BAR_HEIGHT - 5, escape(shorten(label, 52))));
      double[] values = {l.p999(), l.p99(), l.p50()};
      double end = 0;
      for (int k = 0; k < values.length; k++) {
        double v = values[k];
        if (!(v > 0) || Double.isInfinite(v)) {
          continue;
        }
        double width = Math.max(1, logX(v, from, to, barSpace));
        end = Math.max(end, width);
        s.append(String.format(Locale.ROOT,
            "<rect class=\"latency-bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>\n",
            LABEL_WIDTH, y, width, BAR_HEIGHT, LATENCY_SHADES[k],
            escape(label + ": " + new String[] {"p99.9", "p99", "p50"}[k] + " " + Format.millis(v) + " ms")));
      }
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
          LABEL_WIDTH + end + 6, y + BAR_HEIGHT - 5,
          escape(Format.millis(l.p50()) + " / " + Format.millis(l.p99())
              + (Double.isNaN(l.p999()) ? "" : " / " + Format.millis(l.p999())))));
      y += BAR_HEIGHT + BAR_GAP;
    }
  }

  /** The x offset of {@code v} on a log scale from {@code from} to {@code to} over {@code space}. */
  static double logX(double v, double from, double to, double space) {
    double clamped = Math.max(from, Math.min(to, v));
    return space * Math.log(clamped / from) / Math.log(to / from);
  }

  private static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
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

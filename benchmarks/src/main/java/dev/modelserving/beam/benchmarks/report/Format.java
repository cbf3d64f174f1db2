package dev.modelserving.beam.benchmarks.report;

import java.util.Locale;

/** How numbers are written in the report. */
final class Format {
  private Format() {}

  /** Records a second, rounded to 3 significant digits with thousands separators: "1,230,000". */
  static String rate(double recordsPerSecond) {
    if (Double.isNaN(recordsPerSecond) || Double.isInfinite(recordsPerSecond)) {
      return "n/a";
    }
    if (recordsPerSecond == 0) {
      return "0";
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(Math.abs(recordsPerSecond))) - 2);
    double rounded = Math.round(recordsPerSecond / magnitude) * magnitude;
    return rounded >= 100
        ? String.format(Locale.ROOT, "%,d", Math.round(rounded))
        : String.format(Locale.ROOT, "%.3g", rounded);
  }

  /** A short rate for chart labels: "1.23M", "45.6k", "789". */
  static String shortRate(double recordsPerSecond) {
    if (Double.isNaN(recordsPerSecond) || Double.isInfinite(recordsPerSecond)) {
      return "n/a";
    }
    double v = Math.abs(recordsPerSecond);
    if (v >= 1e6) {
      return String.format(Locale.ROOT, "%.3gM", recordsPerSecond / 1e6);
    }
    if (v >= 1e3) {
      return String.format(Locale.ROOT, "%.3gk", recordsPerSecond / 1e3);
    }
    return String.format(Locale.ROOT, "%.3g", recordsPerSecond);
  }

  /** A ratio as "0.42×", or "–" when there is none. */
  static String ratio(double ratio) {
    if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
      return "–";
    }
    return String.format(Locale.ROOT, ratio >= 10 ? "%.0f×" : ratio >= 1 ? "%.2f×" : "%.3f×", ratio);
  }

  /** Milliseconds with 3 significant digits (at least the unit): "0.412", "12.3", "1,530"; "" for NaN. */
  static String millis(double ms) {
    if (Double.isNaN(ms) || Double.isInfinite(ms)) {
      return "";
    }
    if (ms >= 1000) {
      return String.format(Locale.ROOT, "%,d", Math.round(ms));
    }
    return String.format(Locale.ROOT, ms >= 100 ? "%.0f" : ms >= 10 ? "%.1f" : ms >= 1 ? "%.2f" : "%.3f", ms);
  }

  /** The spread as "low – high", or "" when unknown. */
  static String spread(double low, double high) {
    if (Double.isNaN(low) || Double.isNaN(high)) {
      return "";
    }
    return rate(low) + " – " + rate(high);
  }

  /** A plain number for CSV: no separators, "" for NaN. */
  static String csvNumber(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.4f", v);
  }
}

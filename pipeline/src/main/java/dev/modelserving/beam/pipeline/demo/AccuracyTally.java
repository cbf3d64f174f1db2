package dev.modelserving.beam.pipeline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The served accuracy per interval: of the scored records whose input carries a label, how many
 * the served label matched, which model versions scored them, and how many records were unserved
 * (no model yet). Records numbered past {@code driftAfter} (ids such as {@code w-006001}) come from
 * the shifted relation; the interval in which the first of them was scored is marked. Each interval
 * is kept, for the end-of-run summary. Thread-safe: the console thread adds, the demo's timer prints.
 */
final class AccuracyTally {
  private static final Pattern RECORD_NUMBER = Pattern.compile("(\\d+)$");

  private final String labelField;
  private final long driftAfter;
  private final LongSupplier nanoClock;
  private long startNanos;
  private final List<Interval> closed = new ArrayList<>();
  private Interval current;
  private boolean driftSeen;

  /** One interval's counts. */
  static final class Interval {
    final long fromSecond;
    long toSecond;
    long scored;
    long correct;
    /** Of {@link #scored}: the records from the shifted relation, and how many of them were right. */
    long driftedScored;
    long driftedCorrect;
    long unserved;
    boolean driftStarted;
    /** True for the interval printed after the records stopped: what was still on its way. */
    boolean tail;
    String published;
    /** Per model name, the versions that scored the interval's records. */
    final Map<String, TreeSet<String>> versions = new TreeMap<>();

    Interval(long fromSecond) {
      this.fromSecond = fromSecond;
    }

    double accuracy() {
      return scored == 0 ? Double.NaN : correct / (double) scored;
    }

    double accuracyBeforeDrift() {
      long n = scored - driftedScored;
      return n == 0 ? Double.NaN : (correct - driftedCorrect) / (double) n;
    }

    double accuracyAfterDrift() {
      return driftedScored == 0 ? Double.NaN : driftedCorrect / (double) driftedScored;
    }

    String span() {
      return fromSecond + "-" + toSecond + " s";
    }
  }

  /**
   * @param labelField the input field that holds the true label
   * @param driftAfter records numbered above it come from the shifted relation; 0 or less: no drift
   */
  AccuracyTally(String labelField, long driftAfter) {
    this(labelField, driftAfter, System::nanoTime);
  }

  AccuracyTally(String labelField, long driftAfter, LongSupplier nanoClock) {
    this.labelField = labelField;
    this.driftAfter = driftAfter;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    this.current = new Interval(0);
  }

  /** Restarts the clock of the intervals, e.g. as the first record is published; counts so far stay. */
  synchronized void startClock() {
    startNanos = nanoClock.getAsLong();
  }

  /**
   * Adds a scored record of the output topic: its {@code id}, the true label in its {@code input},
   * the served {@code result.label} and the {@code model} that scored it. A
   * record without either label is not counted.
   */
  synchronized void add(JsonNode scored) {
    JsonNode label = scored.path("input").path(labelField);
    JsonNode served = scored.path("result").path("label");
    if (label.isMissingNode() || label.isNull() || served.isMissingNode() || served.isNull()) {
      return;
    }
    boolean right = sameLabel(label.asText(), served.asText());
    current.scored++;
    current.correct += right ? 1 : 0;
    if (drifted(scored.path("id").asText())) {
      current.driftedScored++;
      current.driftedCorrect += right ? 1 : 0;
      if (!driftSeen) {
        driftSeen = true;
        current.driftStarted = true;
      }
    }
    JsonNode model = scored.path("model");
    current.versions.computeIfAbsent(model.path("name").asText(), n -> new TreeSet<>(AccuracyTally::byNumber))
        .add(model.path("version").asText());
  }

  /** Counts a record that was unserved: no model yet for its data type. */
  synchronized void addUnserved() {
    current.unserved++;
  }

  /**
   * Prints the interval's line and starts a new interval.
   *
   * @param published what training has published by now, e.g. {@code v12 (holdout accuracy
   *     0.640)}; null for nothing yet
   */
  synchronized void printAndReset(PrintStream out, String published) {
    close(out, published, false);
  }

  /**
   * Prints the last interval, that of the records still on their way after the publisher stopped;
   * the summary's end is the interval before it, unless it is the only one with a scored record.
   */
  synchronized void printLast(PrintStream out, String published) {
    close(out, published, true);
  }

  private void close(PrintStream out, String published, boolean tail) {
    Interval i = current;
    i.tail = tail;
    i.toSecond = Math.max(i.fromSecond, Math.round((nanoClock.getAsLong() - startNanos) / 1e9));
    i.published = published;
    closed.add(i);
    current = new Interval(i.toSecond);
    out.println(line(i));
  }

  /** The intervals printed so far, oldest first. */
  synchronized List<Interval> intervals() {
    return List.copyOf(closed);
  }

  /** One interval's console line. */
  static String line(Interval i) {
    StringBuilder s = new StringBuilder(String.format("--- %-10s ", i.span() + ":"));
    if (i.scored == 0) {
      s.append("no record scored");
    } else {
      s.append(String.format("accuracy %.3f of %d scored by %s", i.accuracy(), i.scored, versions(i)));
    }
    if (i.unserved > 0) {
      s.append(String.format("; %d unserved (no model yet)", i.unserved));
    }
    s.append("; training has published ").append(i.published == null ? "no model yet" : i.published);
    if (i.tail) {
      s.append(" (after the records stopped)");
    }
    if (i.driftStarted) {
      s.append(String.format("%n    <<< DRIFT: the first records of the shifted relation were scored here:"
          + " %.3f of the %d before it, %.3f of the %d after it", i.accuracyBeforeDrift(),
          i.scored - i.driftedScored, i.accuracyAfterDrift(), i.driftedScored));
    }
    return s.toString();
  }

  /**
   * Prints the accuracy in the first interval with a scored record, in the last interval before
   * the drift, of the first drifted records (those of the interval where the drift started), and
   * in the last interval before the records stopped; a part that did not happen is left out.
   */
  synchronized void printSummary(PrintStream out) {
    Interval first = null;
    Interval beforeDrift = null;
    Interval drift = null;
    Interval last = null;
    for (Interval i : closed) {
      if (i.driftStarted) {
        drift = i;
      }
      if (i.scored == 0 || (i.tail && first != null)) {
        continue;
      }
      if (first == null) {
        first = i;
      }
      if (drift == null) {
        beforeDrift = i;
      }
      last = i;
    }
    if (first == null) {
      out.println("== Served accuracy: no labelled record was scored");
      return;
    }
    StringBuilder s = new StringBuilder("== Served accuracy: ");
    s.append(String.format("first interval with a model (%s) %s", first.span(), accuracy(first)));
    if (drift != null) {
      if (beforeDrift != null) {
        s.append(String.format("; just before the drift (%s) %s", beforeDrift.span(), accuracy(beforeDrift)));
      }
      s.append(String.format("; right after it (%s) %.3f of %d", drift.span(), drift.accuracyAfterDrift(),
          drift.driftedScored));
    } else if (driftAfter > 0) {
      s.append("; no record past the drift (after record ").append(driftAfter).append(") was scored");
    }
    s.append(String.format("; at the end (%s) %s", last.span(), accuracy(last)));
    out.println(s);
  }

  /** E.g. {@code 0.640 of 500}. */
  private static String accuracy(Interval i) {
    return String.format("%.3f of %d", i.accuracy(), i.scored);
  }

  /** E.g. {@code wine-sgd v3-v9 (7 versions)}; names joined by commas. */
  private static String versions(Interval i) {
    StringBuilder s = new StringBuilder();
    i.versions.forEach((name, versions) -> {
      s.append(s.length() == 0 ? "" : ", ").append(name).append(" v").append(versions.first());
      if (versions.size() > 1) {
        s.append("-v").append(versions.last()).append(" (").append(versions.size()).append(" versions)");
      }
    });
    return s.toString();
  }

  /** True for a record numbered past the drift, e.g. {@code w-006001} after 6000. */
  private boolean drifted(String id) {
    if (driftAfter <= 0) {
      return false;
    }
    Matcher m = RECORD_NUMBER.matcher(id);
    return m.find() && m.group(1).length() < 19 && Long.parseLong(m.group(1)) > driftAfter;
  }

  /** Labels match as numbers when both are numbers ("5" and "5.0"), else as text. */
  static boolean sameLabel(String label, String served) {
    try {
      return Double.parseDouble(label) == Double.parseDouble(served);
    } catch (NumberFormatException e) {
      return label.equals(served);
    }
  }

  /** Whole-number versions first, in numeric order, then the others as text. */
  private static int byNumber(String a, String b) {
    boolean na = a.matches("\\d{1,18}");
    boolean nb = b.matches("\\d{1,18}");
    if (na && nb) {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
    return na != nb ? (na ? -1 : 1) : a.compareTo(b);
  }
}

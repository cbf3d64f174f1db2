package dev.modelserving.beam.benchmarks.distill;

import dev.modelserving.beam.model.Features;
import dev.modelserving.beam.testdata.WineDataGenerator;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * The wines of the distillation benchmark, from {@link WineDataGenerator}: the students learn on one
 * seed's wines and are measured, with their teachers, on another's. Each wine's features carry its
 * {@code quality} and {@code quality_class} (low &lt;= 5, medium 6, high &gt;= 7, the forest's classes).
 */
final class DistilWines {
  static final String QUALITY_CLASS = "quality_class";
  static final List<String> CLASSES = List.of("low", "medium", "high");
  /** The students learn on these wines... */
  static final long TRAINING_SEED = 11L;
  /** ...and are measured on these. */
  static final long TEST_SEED = 99L;

  private DistilWines() {}

  /** {@code n} wines of {@code seed} as features, labels included. */
  static List<Features> of(long seed, int n) {
    WineDataGenerator g = new WineDataGenerator(seed);
    List<Features> wines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      wines.add(features(g.next()));
    }
    return wines;
  }

  /** {@code n} wines of {@code seed} as CSV lines, labels included. */
  static List<String> lines(long seed, int n) {
    WineDataGenerator g = new WineDataGenerator(seed);
    List<String> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lines.add(g.next().toCsv());
    }
    return lines;
  }

  /** The features of a CSV line from {@link #lines}. */
  static Features parse(String line) {
    String[] cells = line.split(",", -1);
    Features.Builder b = Features.builder().put(WineSchema.WINE_TYPE, cells[2]);
    for (int f = 0; f < WineSchema.NUMERIC_FEATURES.size(); f++) {
      b.put(WineSchema.NUMERIC_FEATURES.get(f), Double.parseDouble(cells[3 + f]));
    }
    int quality = Integer.parseInt(cells[cells.length - 1]);
    return b.put(WineSchema.QUALITY, quality).put(QUALITY_CLASS, qualityClass(quality)).build();
  }

  private static Features features(WineDataGenerator.Wine w) {
    return parse(w.toCsv());
  }

  static String qualityClass(int quality) {
    return quality <= 5 ? "low" : quality == 6 ? "medium" : "high";
  }
}

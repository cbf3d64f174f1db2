package dev.modelserving.beam.testdata;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Random;

/**
 * Generates a wine-quality-like data set from a seed: red and white wines with eleven
 * physico-chemical measurements and a quality score that depends on them (mostly on alcohol,
 * volatile acidity and sulphates), plus noise.
 *
 * <pre>
 * java ... WineDataGenerator [rows=2000] [seed=42] [out=testdata/files/wine.csv]
 * </pre>
 */
public final class WineDataGenerator {
  private final Random random;
  private final long driftAfter;
  private long nextId = 1;

  public WineDataGenerator(long seed) {
    this(seed, Long.MAX_VALUE);
  }

  private WineDataGenerator(long seed, long driftAfter) {
    this.random = new Random(seed);
    this.driftAfter = driftAfter;
  }

  /**
   * A generator whose relation between the features and the quality shifts after {@code records}
   * wines (concept drift): from then on more alcohol makes a wine worse and more volatile acidity
   * makes it better, the reverse of before. The features keep their distribution.
   */
  public static WineDataGenerator withDriftAfter(long seed, long records) {
    if (records < 0) {
      throw new IllegalArgumentException("the drift starts after 0 or more records, not " + records);
    }
    return new WineDataGenerator(seed, records);
  }

  /** True once the wines come from the shifted relation. */
  public boolean drifted() {
    return nextId > driftAfter;
  }

  /** One generated wine. */
  public static final class Wine {
    public final String id;
    public final String wineType;
    /** In {@link WineSchema#NUMERIC_FEATURES} order. */
    public final double[] features;
    public final int quality;

    Wine(String id, String wineType, double[] features, int quality) {
      this.id = id;
      this.wineType = wineType;
      this.features = features;
      this.quality = quality;
    }

    /** The CSV line, in {@link WineSchema#COLUMNS} order. */
    public String toCsv() {
      StringBuilder s = new StringBuilder(id).append(',').append(WineSchema.DATA_TYPE).append(',').append(wineType);
      for (double f : features) {
        s.append(',').append(format(f));
      }
      return s.append(',').append(quality).toString();
    }

    private static String format(double v) {
      return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
  }

  public Wine next() {
    boolean red = random.nextDouble() < 0.3;
    double fixedAcidity = clamp(gauss(red ? 8.3 : 6.9, red ? 1.7 : 0.8), 3.8, 15.9);
    double volatileAcidity = clamp(gauss(red ? 0.53 : 0.28, red ? 0.18 : 0.1), 0.08, 1.58);
    double citricAcid = clamp(gauss(red ? 0.27 : 0.33, 0.15), 0, 1.0);
    double residualSugar = clamp(red ? gauss(2.5, 1.2) : Math.exp(gauss(1.5, 0.8)), 0.6, 45);
    double chlorides = clamp(gauss(red ? 0.087 : 0.046, red ? 0.04 : 0.02), 0.009, 0.61);
    double freeSo2 = clamp(gauss(red ? 16 : 35, red ? 10 : 17), 1, 150);
    double totalSo2 = clamp(freeSo2 + gauss(red ? 30 : 100, red ? 25 : 35), 6, 300);
    double alcohol = clamp(gauss(10.5, 1.1), 8.0, 14.9);
    double density = 1.001 - 0.0009 * (alcohol - 8) + 0.0004 * residualSugar + gauss(0, 0.0008);
    double pH = clamp(gauss(red ? 3.31 : 3.19, 0.15), 2.7, 4.0);
    double sulphates = clamp(gauss(red ? 0.66 : 0.49, red ? 0.17 : 0.11), 0.22, 2.0);
    boolean drifted = drifted();
    double latent = 5.6
        + (drifted ? -0.33 : 0.33) * (alcohol - 10.5)
        + (drifted ? 1.6 : -1.6) * (volatileAcidity - (red ? 0.53 : 0.28))
        + 0.9 * (sulphates - (red ? 0.66 : 0.49))
        - 2.0 * (chlorides - (red ? 0.087 : 0.046))
        + 0.004 * (freeSo2 - 30)
        + (red ? -0.1 : 0.1)
        + gauss(0, 0.45);
    int quality = (int) Math.round(clamp(latent, 3, 9));
    double[] features = {fixedAcidity, volatileAcidity, citricAcid, residualSugar, chlorides,
        freeSo2, totalSo2, density, pH, sulphates, alcohol};
    return new Wine(String.format("w-%06d", nextId++), red ? "red" : "white", features, quality);
  }

  private double gauss(double mean, double sd) {
    return mean + sd * random.nextGaussian();
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** Writes {@code rows} wines as CSV with a header row. */
  public void writeCsv(Path out, int rows) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      w.write(String.join(",", WineSchema.COLUMNS));
      w.write('\n');
      for (int i = 0; i < rows; i++) {
        w.write(next().toCsv());
        w.write('\n');
      }
    }
  }

  public static void main(String[] args) throws IOException {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 42L;
    Path out = Paths.get(args.length > 2 ? args[2] : "testdata/files/wine.csv");
    new WineDataGenerator(seed).writeCsv(out, rows);
    System.out.println("Wrote " + rows + " wines to " + out + " (seed " + seed + ")");
  }
}

package dev.modelserving.beam.testdata.pmml;

import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The rows of {@code wine.csv} as arrays, ready for training. */
final class WineTable {
  /** Numeric features per row, in {@link WineSchema#NUMERIC_FEATURES} order. */
  final double[][] x;
  /** Whether each row is a red wine. */
  final boolean[] red;
  final int[] quality;

  private WineTable(double[][] x, boolean[] red, int[] quality) {
    this.x = x;
    this.red = red;
    this.quality = quality;
  }

  int size() {
    return quality.length;
  }

  /** Reads a CSV with the {@link WineSchema#COLUMNS} header (plain comma-separated, no quoting). */
  static WineTable read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IOException(csv + " is empty");
    }
    List<String> header = Arrays.asList(lines.get(0).trim().split(",", -1));
    int[] featureColumns = new int[WineSchema.NUMERIC_FEATURES.size()];
    for (int j = 0; j < featureColumns.length; j++) {
      featureColumns[j] = column(header, WineSchema.NUMERIC_FEATURES.get(j), csv);
    }
    int typeColumn = column(header, WineSchema.WINE_TYPE, csv);
    int qualityColumn = column(header, WineSchema.QUALITY, csv);
    List<String[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        rows.add(line.trim().split(",", -1));
      }
    }
    double[][] x = new double[rows.size()][featureColumns.length];
    boolean[] red = new boolean[rows.size()];
    int[] quality = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      String[] row = rows.get(i);
      for (int j = 0; j < featureColumns.length; j++) {
        x[i][j] = Double.parseDouble(row[featureColumns[j]]);
      }
      String type = row[typeColumn];
      if (!type.equals("red") && !type.equals("white")) {
        throw new IOException(csv + " row " + (i + 2) + ": wine_type must be red or white, not " + type);
      }
      red[i] = type.equals("red");
      quality[i] = Integer.parseInt(row[qualityColumn]);
    }
    return new WineTable(x, red, quality);
  }

  /** Splits the rows at random (from the seed) into a training part and a holdout part. */
  WineTable[] split(double trainFraction, long seed) {
    int[] order = new int[size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int cut = (int) Math.round(order.length * trainFraction);
    return new WineTable[] {subset(order, 0, cut), subset(order, cut, order.length)};
  }

  private WineTable subset(int[] order, int from, int to) {
    int[] rows = Arrays.copyOfRange(order, from, to);
    Arrays.sort(rows); // keep file order inside each part
    double[][] sx = new double[rows.length][];
    boolean[] sred = new boolean[rows.length];
    int[] sq = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      sx[i] = x[rows[i]];
      sred[i] = red[rows[i]];
      sq[i] = quality[rows[i]];
    }
    return new WineTable(sx, sred, sq);
  }

  private static int column(List<String> header, String name, Path csv) throws IOException {
    int i = header.indexOf(name);
    if (i < 0) {
      throw new IOException(csv + " has no column '" + name + "'; header is " + header);
    }
    return i;
  }
}

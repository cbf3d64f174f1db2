package dev.modelserving.beam.testdata.tensorflow;

import dev.modelserving.beam.testdata.WineSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The numeric features and quality of {@code wine.csv}, as float arrays for TensorFlow: row {@code
 * i} has features {@code features[i]} in {@link WineSchema#NUMERIC_FEATURES} order and label {@code
 * quality[i]}.
 */
public final class WineFeatureTable {
  private final float[][] features;
  private final float[] quality;

  private WineFeatureTable(float[][] features, float[] quality) {
    this.features = features;
    this.quality = quality;
  }

  /** Reads a wine CSV with a header row naming the columns of {@link WineSchema#COLUMNS}. */
  public static WineFeatureTable read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IOException(csv + " is empty");
    }
    List<String> header = Arrays.asList(lines.get(0).split(",", -1));
    int[] featureIndex = new int[WineSchema.NUMERIC_FEATURES.size()];
    for (int f = 0; f < featureIndex.length; f++) {
      featureIndex[f] = columnIndex(header, WineSchema.NUMERIC_FEATURES.get(f), csv);
    }
    int qualityIndex = columnIndex(header, WineSchema.QUALITY, csv);
    List<float[]> rows = new ArrayList<>();
    List<Float> labels = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String[] cells = lines.get(i).split(",", -1);
      float[] row = new float[featureIndex.length];
      for (int f = 0; f < row.length; f++) {
        row[f] = Float.parseFloat(cells[featureIndex[f]]);
      }
      rows.add(row);
      labels.add(Float.parseFloat(cells[qualityIndex]));
    }
    float[] q = new float[labels.size()];
    for (int i = 0; i < q.length; i++) {
      q[i] = labels.get(i);
    }
    return new WineFeatureTable(rows.toArray(new float[0][]), q);
  }

  private static int columnIndex(List<String> header, String column, Path csv) throws IOException {
    int index = header.indexOf(column);
    if (index < 0) {
      throw new IOException(csv + " has no column '" + column + "'; header: " + header);
    }
    return index;
  }

  public int size() {
    return quality.length;
  }

  public int featureCount() {
    return WineSchema.NUMERIC_FEATURES.size();
  }

  /** The features of one row (a copy). */
  public float[] features(int row) {
    return features[row].clone();
  }

  public float quality(int row) {
    return quality[row];
  }

  /** Per-feature mean over all rows. */
  public float[] means() {
    double[] sum = new double[featureCount()];
    for (float[] row : features) {
      for (int f = 0; f < sum.length; f++) {
        sum[f] += row[f];
      }
    }
    float[] mean = new float[sum.length];
    for (int f = 0; f < sum.length; f++) {
      mean[f] = (float) (sum[f] / size());
    }
    return mean;
  }

  /** Per-feature population standard deviation over all rows (1 where a feature is constant). */
  public float[] standardDeviations() {
    float[] mean = means();
    double[] sq = new double[featureCount()];
    for (float[] row : features) {
      for (int f = 0; f < sq.length; f++) {
        double d = row[f] - mean[f];
        sq[f] += d * d;
      }
    }
    float[] std = new float[sq.length];
    for (int f = 0; f < sq.length; f++) {
      double s = Math.sqrt(sq[f] / size());
      std[f] = s > 1e-12 ? (float) s : 1f;
    }
    return std;
  }

  /** Mean quality over all rows. */
  public float meanQuality() {
    double sum = 0;
    for (float q : quality) {
      sum += q;
    }
    return (float) (sum / size());
  }
}

package dev.modelserving.beam.benchmarks.workload;

import dev.modelserving.beam.pipeline.record.DataRecord;
import dev.modelserving.beam.pipeline.record.FieldNames;
import dev.modelserving.beam.testdata.WineDataGenerator;
import dev.modelserving.beam.testdata.WineSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records every benchmark scores: a fixed array of red wines, generated once from a seed by
 * {@link WineDataGenerator} and parsed already, handed out by sequence number (record {@code seq}
 * is wine {@code seq mod size}). Producing a record therefore costs nothing but an array lookup.
 *
 * <p>Immutable and cheap to rebuild (a few thousand draws), so distributed sources carry only the
 * seed and the size and rebuild it where they run.
 */
public final class WineWorkload {
  /** The seed and size every suite uses, so they all score the same wines. */
  public static final long DEFAULT_SEED = 7L;
  public static final int DEFAULT_SIZE = 1024;
  /** The wine type of every record. */
  public static final String WINE_TYPE = "red";

  private final long seed;
  private final double[][] features;
  private final String[] ids;
  private final List<Map<String, Object>> fields;
  private final FieldNames fieldNames;
  private final Object[][] values;

  private WineWorkload(long seed, double[][] features, String[] ids, List<Map<String, Object>> fields) {
    this.seed = seed;
    this.features = features;
    this.ids = ids;
    this.fields = fields;
    this.fieldNames = FieldNames.of(List.copyOf(fields.get(0).keySet()));
    this.values = new Object[fields.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = fields.get(i).values().toArray();
    }
  }

  /** The default workload: {@value #DEFAULT_SIZE} red wines from seed {@value #DEFAULT_SEED}. */
  public static WineWorkload standard() {
    return redWines(DEFAULT_SEED, DEFAULT_SIZE);
  }

  /** The first {@code size} red wines that {@link WineDataGenerator} draws from {@code seed}. */
  public static WineWorkload redWines(long seed, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a workload needs at least one wine, was " + size);
    }
    WineDataGenerator generator = new WineDataGenerator(seed);
    double[][] features = new double[size][];
    String[] ids = new String[size];
    List<Map<String, Object>> fields = new ArrayList<>(size);
    int found = 0;
    while (found < size) {
      WineDataGenerator.Wine wine = generator.next();
      if (!wine.wineType.equals(WINE_TYPE)) {
        continue;
      }
      features[found] = wine.features.clone();
      ids[found] = wine.id;
      fields.add(Collections.unmodifiableMap(fieldsOf(wine)));
      found++;
    }
    return new WineWorkload(seed, features, ids, Collections.unmodifiableList(fields));
  }

  /** The fields of a wine as the serving application parses a CSV line of it. */
  private static Map<String, Object> fieldsOf(WineDataGenerator.Wine wine) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put(WineSchema.ID, wine.id);
    f.put(WineSchema.DATA_TYPE_COLUMN, WineSchema.DATA_TYPE);
    f.put(WineSchema.WINE_TYPE, wine.wineType);
    for (int j = 0; j < WineSchema.NUMERIC_FEATURES.size(); j++) {
      f.put(WineSchema.NUMERIC_FEATURES.get(j), wine.features[j]);
    }
    f.put(WineSchema.QUALITY, (double) wine.quality);
    return f;
  }

  public long seed() {
    return seed;
  }

  /** The number of distinct wines. */
  public int size() {
    return features.length;
  }

  /** The index of record {@code seq} in the wine array. */
  public int index(long seq) {
    return (int) Math.floorMod(seq, (long) features.length);
  }

  /**
   * The eleven numeric features of record {@code seq}, in {@link WineSchema#NUMERIC_FEATURES}
   * order. The array is shared: do not change it.
   */
  public double[] features(long seq) {
    return features[index(seq)];
  }

  /** The id of the wine behind record {@code seq} (ids repeat every {@link #size()} records). */
  public String id(long seq) {
    return ids[index(seq)];
  }

  /**
   * All fields of record {@code seq} as the serving application reads them from CSV: id, data_type,
   * wine_type and quality as well as the eleven features, numbers as Double. Unmodifiable and shared.
   */
  public Map<String, Object> fields(long seq) {
    return fields.get(index(seq));
  }

  /**
   * Record {@code seq} as the serving application's CSV parser makes it: its values share one
   * {@link FieldNames} with every other record, as the parser's records do.
   */
  public DataRecord record(String id, String dataType, long seq) {
    return new DataRecord(id, dataType, fieldNames, values[index(seq)], null);
  }
}

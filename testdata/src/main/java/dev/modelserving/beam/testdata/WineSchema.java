package dev.modelserving.beam.testdata;

import java.util.List;

/** The columns of the generated wine-quality data set. */
public final class WineSchema {
  private WineSchema() {}

  public static final String DATA_TYPE = "wine";
  public static final String ID = "id";
  public static final String DATA_TYPE_COLUMN = "data_type";
  /** Categorical: "red" or "white". */
  public static final String WINE_TYPE = "wine_type";
  /** The label: an integer score from 3 to 9. */
  public static final String QUALITY = "quality";

  /** The eleven numeric features, in column order. */
  public static final List<String> NUMERIC_FEATURES = List.of(
      "fixed_acidity", "volatile_acidity", "citric_acid", "residual_sugar", "chlorides",
      "free_sulfur_dioxide", "total_sulfur_dioxide", "density", "pH", "sulphates", "alcohol");

  /** All CSV columns, in order. */
  public static final List<String> COLUMNS = List.of(
      ID, DATA_TYPE_COLUMN, WINE_TYPE,
      "fixed_acidity", "volatile_acidity", "citric_acid", "residual_sugar", "chlorides",
      "free_sulfur_dioxide", "total_sulfur_dioxide", "density", "pH", "sulphates", "alcohol",
      QUALITY);
}

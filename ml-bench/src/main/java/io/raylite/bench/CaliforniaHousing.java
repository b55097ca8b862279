package io.raylite.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Loads the California housing table bundled with this module (StatLib's {@code cal_housing.data},
 * gzipped) and derives the 8 features exactly as scikit-learn's {@code fetch_california_housing}:
 * rooms, bedrooms and occupancy per household, and the house value in units of $100,000.
 */
public final class CaliforniaHousing {
  /** Rows in the published table. */
  public static final int ROWS = 20_640;

  /** Where the gzipped table lives on the class path. */
  static final String RESOURCE = "cal_housing.data.gz";

  // Columns of the raw file, in its order.
  private static final int LONGITUDE = 0;
  private static final int LATITUDE = 1;
  private static final int HOUSING_MEDIAN_AGE = 2;
  private static final int TOTAL_ROOMS = 3;
  private static final int TOTAL_BEDROOMS = 4;
  private static final int POPULATION = 5;
  private static final int HOUSEHOLDS = 6;
  private static final int MEDIAN_INCOME = 7;
  private static final int MEDIAN_HOUSE_VALUE = 8;
  private static final int RAW_COLUMNS = 9;

  private CaliforniaHousing() {}

  /** The whole bundled table, 20,640 rows. */
  public static HousingData load() {
    try (InputStream gz = CaliforniaHousing.class.getResourceAsStream(RESOURCE)) {
      if (gz == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
      }
      return parse(new InputStreamReader(new GZIPInputStream(gz), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** Parses rows in the raw 9-column format and derives the features; row ids count from 0. */
  static HousingData parse(Reader source) throws IOException {
    List<double[]> features = new ArrayList<>(ROWS);
    List<Double> target = new ArrayList<>(ROWS);
    BufferedReader reader = new BufferedReader(source);
    String line;
    int lineNumber = 0;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",");
      if (cells.length != RAW_COLUMNS) {
        throw new IOException("line " + lineNumber + ": expected " + RAW_COLUMNS + " columns, got " + cells.length);
      }
      double[] raw = new double[RAW_COLUMNS];
      for (int c = 0; c < RAW_COLUMNS; c++) {
        try {
          raw[c] = Double.parseDouble(cells[c]);
        } catch (NumberFormatException e) {
          throw new IOException("line " + lineNumber + ", column " + (c + 1) + ": not a number: " + cells[c], e);
        }
      }
      features.add(derive(raw));
      target.add(raw[MEDIAN_HOUSE_VALUE] / 100_000.0);
    }
    int n = features.size();
    int[] ids = new int[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
      y[i] = target.get(i);
    }
    return new HousingData(ids, features.toArray(double[][]::new), y);
  }

  /** One row's features in {@link HousingData#FEATURE_NAMES} order, from the raw columns. */
  private static double[] derive(double[] raw) {
    double households = raw[HOUSEHOLDS];
    return new double[] {
        raw[MEDIAN_INCOME],
        raw[HOUSING_MEDIAN_AGE],
        raw[TOTAL_ROOMS] / households,
        raw[TOTAL_BEDROOMS] / households,
        raw[POPULATION],
        raw[POPULATION] / households,
        raw[LATITUDE],
        raw[LONGITUDE],
    };
  }
}

package io.raylite.bench;

import java.util.List;
import java.util.Objects;

/**
 * Rows of the California housing table: the 8 features scikit-learn's loader derives, the target
 * (median house value in units of $100,000), and each row's index in the published file, which is
 * the index pandas shows. Arrays are shared, not copied: treat an instance as immutable once built,
 * as the object store requires of everything put in it.
 *
 * @param rowIds the row's position in {@code cal_housing.data}, 0-based
 * @param features one array of {@link #FEATURE_NAMES}.size() values per row
 * @param target the value to predict, one per row
 */
public record HousingData(int[] rowIds, double[][] features, double[] target) implements java.io.Serializable {
  /** The feature columns, in scikit-learn's order. */
  public static final List<String> FEATURE_NAMES = List.of(
      "MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude");

  /** The target column's name, as scikit-learn calls it. */
  public static final String TARGET_NAME = "MedHouseVal";

  public HousingData {
    Objects.requireNonNull(rowIds, "rowIds");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(target, "target");
    if (rowIds.length != features.length || target.length != features.length) {
      throw new IllegalArgumentException("rowIds, features and target must have one entry per row, got "
          + rowIds.length + ", " + features.length + " and " + target.length);
    }
    for (double[] row : features) {
      if (row.length != FEATURE_NAMES.size()) {
        throw new IllegalArgumentException(
            "every row must have " + FEATURE_NAMES.size() + " features, got " + row.length);
      }
    }
  }

  /** The number of rows. */
  public int size() {
    return target.length;
  }

  /** The rows at the given positions of this set, in that order (row arrays are shared). */
  public HousingData select(int[] positions) {
    int[] ids = new int[positions.length];
    double[][] x = new double[positions.length][];
    double[] y = new double[positions.length];
    for (int i = 0; i < positions.length; i++) {
      int p = Objects.checkIndex(positions[i], size());
      ids[i] = rowIds[p];
      x[i] = features[p];
      y[i] = target[p];
    }
    return new HousingData(ids, x, y);
  }

  /** The first {@code n} rows (all of them when there are fewer). */
  public HousingData head(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    int[] positions = new int[Math.min(n, size())];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i;
    }
    return select(positions);
  }

  @Override
  public String toString() {
    return "HousingData[" + size() + " rows x " + FEATURE_NAMES.size() + " features]";
  }
}

package io.raylite.bench;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Prints the data as the reference does: the shape of the feature table and the first training
 * rows, laid out like a pandas {@code DataFrame.head()} (row index on the left, each column with
 * the fewest decimals, up to 6, that show all of its values).
 */
final class DatasetSummary {
  private static final int MAX_DECIMALS = 6;

  private DatasetSummary() {}

  static void print(PrintStream out, HousingData all, TrainTestSplit split, int headRows) {
    out.printf(Locale.ROOT, "California housing: X.shape = (%d, %d), y.shape = (%d,)%n",
        all.size(), HousingData.FEATURE_NAMES.size(), all.size());
    out.printf(Locale.ROOT, "train_test_split(test_size=%s, random_state=%d): %d training rows, %d test rows%n",
        TrainTestSplit.REFERENCE_TEST_SIZE, TrainTestSplit.REFERENCE_SEED, split.train().size(), split.test().size());
    out.println("X_train.head():");
    out.print(head(split.train(), headRows));
  }

  /** The first {@code rows} rows as a pandas-style text table, one line per row plus a header. */
  static String head(HousingData data, int rows) {
    HousingData head = data.head(rows);
    int columns = HousingData.FEATURE_NAMES.size();
    String[][] cells = new String[head.size()][columns];
    for (int c = 0; c < columns; c++) {
      int decimals = 1;
      for (int r = 0; r < head.size(); r++) {
        decimals = Math.max(decimals, decimalsNeeded(head.features()[r][c]));
      }
      for (int r = 0; r < head.size(); r++) {
        cells[r][c] = String.format(Locale.ROOT, "%." + decimals + "f", head.features()[r][c]);
      }
    }
    int indexWidth = 0;
    for (int id : head.rowIds()) {
      indexWidth = Math.max(indexWidth, Integer.toString(id).length());
    }
    int[] widths = new int[columns];
    for (int c = 0; c < columns; c++) {
      widths[c] = HousingData.FEATURE_NAMES.get(c).length();
      for (String[] row : cells) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder table = new StringBuilder();
    table.append(" ".repeat(indexWidth));
    for (int c = 0; c < columns; c++) {
      table.append("  ").append(padLeft(HousingData.FEATURE_NAMES.get(c), widths[c]));
    }
    table.append(System.lineSeparator());
    for (int r = 0; r < head.size(); r++) {
      table.append(padRight(Integer.toString(head.rowIds()[r]), indexWidth));
      for (int c = 0; c < columns; c++) {
        table.append("  ").append(padLeft(cells[r][c], widths[c]));
      }
      table.append(System.lineSeparator());
    }
    return table.toString();
  }

  /** Decimals needed to show {@code value} rounded to 6 decimals without trailing zeros. */
  private static int decimalsNeeded(double value) {
    BigDecimal rounded = new BigDecimal(String.format(Locale.ROOT, "%." + MAX_DECIMALS + "f", value))
        .stripTrailingZeros();
    return Math.max(0, rounded.scale());
  }

  private static String padLeft(String s, int width) {
    return " ".repeat(Math.max(0, width - s.length())) + s;
  }

  private static String padRight(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}

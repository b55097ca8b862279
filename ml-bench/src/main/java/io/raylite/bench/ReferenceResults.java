package io.raylite.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * The reference experiment's test-set MSEs: scikit-learn 1.2.1
 * {@code RandomForestRegressor(n_estimators=n, random_state=201)} on the same split, from the
 * project's data README. Smile draws other random numbers, so its figures land near these, not on
 * them.
 */
final class ReferenceResults {
  /** MSE by {@code n_estimators}, for n = 8, 12, ..., 84. */
  static final Map<Integer, Double> SCIKIT_LEARN_MSE;

  /** The reference's best model: 84 trees. */
  static final double BEST_MSE = 0.2601;

  static {
    double[] mse = {
        0.2983, 0.2826, 0.2761, 0.2716, 0.2694, 0.2686, 0.2662, 0.2663, 0.2635, 0.2622,
        0.2616, 0.2609, 0.2615, 0.2608, 0.2614, 0.2616, 0.2617, 0.2614, 0.2607, 0.2601,
    };
    Map<Integer, Double> table = new TreeMap<>();
    for (int i = 0; i < mse.length; i++) {
      table.put(BenchOptions.FIRST_SIZE + BenchOptions.SIZE_STEP * i, mse[i]);
    }
    SCIKIT_LEARN_MSE = java.util.Collections.unmodifiableMap(table);
  }

  private ReferenceResults() {}
}

package io.raylite.bench;

import java.util.Arrays;

/**
 * scikit-learn's {@code train_test_split(X, y, test_size, random_state)} for a plain integer seed:
 * the row positions are shuffled with {@code RandomState(seed).permutation(n)}, the first
 * {@code ceil(test_size * n)} become the test set and the rest the training set, both in permuted
 * order.
 *
 * @param train the training rows, in permuted order
 * @param test the test rows, in permuted order
 */
public record TrainTestSplit(HousingData train, HousingData test) {
  /** The reference experiment's {@code random_state}. */
  public static final long REFERENCE_SEED = 201;

  /** The reference experiment's {@code test_size}. */
  public static final double REFERENCE_TEST_SIZE = 0.2;

  /** The split of the reference experiment: 20% test rows, seed 201. */
  public static TrainTestSplit reference(HousingData all) {
    return of(all, REFERENCE_TEST_SIZE, REFERENCE_SEED);
  }

  /** Splits {@code all} as {@code train_test_split(..., test_size=testSize, random_state=seed)}. */
  public static TrainTestSplit of(HousingData all, double testSize, long seed) {
    if (!(testSize > 0 && testSize < 1)) {
      throw new IllegalArgumentException("testSize must be in (0, 1), got " + testSize);
    }
    int n = all.size();
    // scikit-learn rounds the test share up and the training share down.
    int nTest = (int) Math.ceil(testSize * n);
    if (nTest == 0 || nTest == n) {
      throw new IllegalArgumentException("testSize " + testSize + " leaves an empty set of " + n + " rows");
    }
    int[] permutation = new LegacyRandomState(seed).permutation(n);
    return new TrainTestSplit(
        all.select(Arrays.copyOfRange(permutation, nTest, n)),
        all.select(Arrays.copyOfRange(permutation, 0, nTest)));
  }
}

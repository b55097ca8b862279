package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smile.regression.RandomForest;

/**
 * The model against the reference table. Forests are seeded per tree, so the forest of n trees is
 * the first n trees of the 84-tree forest: one forest of 84 trees gives all 20 reference points.
 */
class ModelsTest {
  private static TrainTestSplit split;
  private static double[][] prefixPredictions;

  @BeforeAll
  static void trainTheLargestForest() {
    split = TrainTestSplit.reference(CaliforniaHousing.load());
    // Grown from a plain thread, so in the common pool: the trees do not depend on the threads.
    RandomForest forest = Models.fit(split.train(), 84);
    prefixPredictions = forest.test(Models.frame(split.test()));
  }

  private static double prefixMse(int trees) {
    return Models.meanSquaredError(split.test().target(), prefixPredictions[trees - 1]);
  }

  @Test
  void everyReferenceSize_landsWithin001OfScikitLearn() {
    for (Map.Entry<Integer, Double> reference : ReferenceResults.SCIKIT_LEARN_MSE.entrySet()) {
      double mse = prefixMse(reference.getKey());
      assertEquals(reference.getValue(), mse, 0.01, "n_estimators=" + reference.getKey());
    }
  }

  @Test
  void bestModel_landsWithin0006OfTheReferenceBest() {
    double best = ReferenceResults.SCIKIT_LEARN_MSE.keySet().stream()
        .mapToDouble(ModelsTest::prefixMse).min().orElseThrow();
    assertEquals(ReferenceResults.BEST_MSE, best, 0.006);
  }

  @Test
  void trainAndScore_onOneThread_givesTheSameBitsAsTheForestPrefix() {
    try (ForkJoinPool one = new ForkJoinPool(1)) {
      ModelScore score = one.submit(() -> Models.trainAndScore(split.train(), split.test(), 8)).join();
      assertEquals(8, score.nEstimators());
      assertEquals(prefixMse(8), score.mse());
    }
  }

  @Test
  void exactSplits_areSwitchedOnByTheModelClass() {
    assertEquals("1", System.getProperty(Models.BINS_PROPERTY));
  }

  @Test
  void meanSquaredError_isTheMeanOfSquaredDifferences() {
    assertEquals((1 + 4 + 0.25) / 3, Models.meanSquaredError(new double[] {1, 2, 3}, new double[] {2, 0, 3.5}));
  }

  @Test
  void fit_rejectsAnEmptyForest() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.fit(split.train(), 0));
    assertTrue(e.getMessage().contains("nEstimators must be >= 1"), e.getMessage());
  }
}

package io.raylite.bench;

import io.raylite.gpu.forest.FlatForest;
import smile.data.DataFrame;
import smile.regression.RandomForest;

/**
 * The package-private parts of ml-bench that benchmarks in other packages use, so that they time
 * the experiment's own code: its Smile-to-{@link FlatForest} converter and its data frames.
 */
public final class MlBenchInternals {
  private MlBenchInternals() {}

  /** The forest flattened by ml-bench's converter, as {@code --gpu} scores it. */
  public static FlatForest flatten(RandomForest forest) {
    return SmileForests.flatten(forest);
  }

  /** The rows as the Smile data frame ml-bench trains and predicts on: 8 features, then the target. */
  public static DataFrame frame(HousingData data) {
    return Models.frame(data);
  }
}

package io.raylite.bench;

import io.raylite.Raylite;
import io.raylite.gpu.forest.FlatForest;
import java.util.ArrayList;
import java.util.List;
import smile.data.DataFrame;
import smile.regression.RandomForest;

/**
 * The package-private parts of ml-bench that the benchmarks (module {@code jmh}, packages of their
 * own) use, so that they time the experiment's own code: its Smile-to-{@link FlatForest} converter,
 * its data frames, its forest sizes and its sequential and engine runners.
 */
public final class MlBenchInternals {
  private MlBenchInternals() {}

  /** The forest flattened by ml-bench's converter, as {@code --gpu} scores it. */
  public static FlatForest flatten(RandomForest forest) {
    return SmileForests.flatten(forest);
  }

  /** The experiment's first {@code count} forest sizes: 8, 12, 16, ... trees. */
  public static List<Integer> forestSizes(int count) {
    List<Integer> sizes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sizes.add(BenchOptions.FIRST_SIZE + BenchOptions.SIZE_STEP * i);
    }
    return sizes;
  }

  /** Trains and scores the forests one after another, as {@code --mode sequential} does. */
  public static ModeResult runSequential(HousingData train, HousingData test, List<Integer> sizes) {
    return new SequentialRunner().run(train, test, sizes, run -> { });
  }

  /** Trains and scores the forests as Raylite tasks, as {@code --mode parallel} or {@code nested} does. */
  public static ModeResult runOnEngine(Raylite ray, Mode mode, HousingData train, HousingData test,
      List<Integer> sizes) {
    return EngineRunner.run(ray, mode, train, test, sizes, run -> { });
  }

  /** The rows as the Smile data frame ml-bench trains and predicts on: 8 features, then the target. */
  public static DataFrame frame(HousingData data) {
    return Models.frame(data);
  }
}

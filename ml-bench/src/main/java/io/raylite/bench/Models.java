package io.raylite.bench;

import java.util.Objects;
import java.util.function.Consumer;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.regression.RandomForest;
import smile.util.IterativeAlgorithmController;

/**
 * The model of the reference experiment: a Smile random forest configured like scikit-learn's
 * {@code RandomForestRegressor(n_estimators=n, random_state=201)}, scored by test-set MSE.
 *
 * <p>scikit-learn's defaults, and the Smile settings that match them:
 * <ul>
 *   <li>bootstrap samples of n rows drawn with replacement: {@code subsample = 1.0};
 *   <li>every feature tried at every split ({@code max_features=1.0}): {@code mtry = 8};
 *   <li>leaves down to one sample ({@code min_samples_leaf=1}): {@code nodeSize = 1};
 *   <li>no depth or leaf limit: {@code maxDepth} and {@code maxNodes} = {@code Integer.MAX_VALUE}
 *       (Smile otherwise caps a tree at depth 20 and n/5 leaves; the unlimited leaf count also
 *       makes Smile grow depth first instead of through a priority queue);
 *   <li>exact split points: Smile 4 and later only consider a split every n/100 samples unless the
 *       system property {@value #BINS_PROPERTY} is 10 or less, which this class sets (see
 *       {@link #ensureExactSplits()}). With the default the test MSE rises from about 0.26 to 0.40.
 * </ul>
 *
 * <p>Each tree gets its own seed, drawn like scikit-learn draws them: the t-th value of
 * {@code RandomState(201).randint(2^31 - 1)}. So the first 8 trees of every forest are the same
 * trees, whichever thread grows them, and a run gives the same MSEs every time. The numbers still
 * differ from scikit-learn's, because Smile's random generator draws the bootstrap samples.
 *
 * <p>{@link RandomForest#fit} grows trees in a parallel stream, and with {@code mtry} equal to the
 * number of features it also scores the 8 candidate features of every node in a parallel stream.
 * Both run in the {@link java.util.concurrent.ForkJoinPool} of the calling thread (or the common
 * pool): the caller decides how many threads a forest gets. Results do not depend on it.
 */
public final class Models {
  /** Smile's system property for the number of candidate split points per feature and node. */
  public static final String BINS_PROPERTY = "smile.regression_tree.bins";

  /** The seed that scikit-learn's {@code random_state} gets in the reference experiment. */
  public static final long RANDOM_STATE = 201;

  private static final int FEATURES = HousingData.FEATURE_NAMES.size();

  static {
    ensureExactSplits();
  }

  private Models() {}

  /**
   * Sets {@value #BINS_PROPERTY} to 1 (exact splits) unless it was given, for instance as
   * {@code -Dsmile.regression_tree.bins=100} to see Smile's default approximation. Smile reads the
   * property at every split, so it must be set before any tree grows.
   */
  public static void ensureExactSplits() {
    if (System.getProperty(BINS_PROPERTY) == null) {
      System.setProperty(BINS_PROPERTY, "1");
    }
  }

  /** Trains a forest of {@code nEstimators} trees on {@code train} and scores it on {@code test}. */
  public static ModelScore trainAndScore(HousingData train, HousingData test, int nEstimators) {
    RandomForest forest = fit(train, nEstimators);
    return new ModelScore(nEstimators, meanSquaredError(forest, test));
  }

  /** Trains a forest of {@code nEstimators} trees, in the fork/join pool of the calling thread. */
  public static RandomForest fit(HousingData train, int nEstimators) {
    return fit(train, nEstimators, null);
  }

  /**
   * As {@link #fit(HousingData, int)}, telling {@code treeGrown} (if not null) on which thread each
   * tree was grown, from that thread, as soon as the tree is done.
   */
  public static RandomForest fit(HousingData train, int nEstimators, Consumer<Thread> treeGrown) {
    Objects.requireNonNull(train, "train");
    if (nEstimators < 1) {
      throw new IllegalArgumentException("nEstimators must be >= 1, got " + nEstimators);
    }
    try (TreeWatcher watcher = treeGrown == null ? null : new TreeWatcher(treeGrown)) {
      var options = new RandomForest.Options(nEstimators, FEATURES, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 1.0,
          treeSeeds(nEstimators), watcher);
      return RandomForest.fit(Formula.lhs(HousingData.TARGET_NAME), frame(train), options);
    }
  }

  /** The mean of the squared differences between the forest's predictions and the targets. */
  public static double meanSquaredError(RandomForest forest, HousingData test) {
    double[] predicted = forest.predict(frame(test));
    return meanSquaredError(test.target(), predicted);
  }

  /** The mean squared error, summed in row order so that every caller gets the same bits. */
  static double meanSquaredError(double[] truth, double[] predicted) {
    if (truth.length != predicted.length || truth.length == 0) {
      throw new IllegalArgumentException("need the same non-zero number of values, got "
          + truth.length + " and " + predicted.length);
    }
    double sum = 0;
    for (int i = 0; i < truth.length; i++) {
      double error = truth[i] - predicted[i];
      sum += error * error;
    }
    return sum / truth.length;
  }

  /** The seeds of the first {@code n} trees: {@code RandomState(201).randint(2**31 - 1, size=n)}. */
  static long[] treeSeeds(int n) {
    LegacyRandomState random = new LegacyRandomState(RANDOM_STATE);
    long[] seeds = new long[n];
    for (int t = 0; t < n; t++) {
      // randint(high) draws from [0, high - 1]; high is np.iinfo(np.int32).max.
      seeds[t] = random.interval(Integer.MAX_VALUE - 1L);
    }
    return seeds;
  }

  /**
   * Smile reports every finished tree to the options' controller, on the thread that grew it; this
   * one passes that thread on instead of publishing the status. Its publisher runs subscribers
   * inline, so it starts no thread of its own.
   */
  private static final class TreeWatcher extends IterativeAlgorithmController<RandomForest.TrainingStatus> {
    private final Consumer<Thread> treeGrown;

    TreeWatcher(Consumer<Thread> treeGrown) {
      super(Runnable::run, 1);
      this.treeGrown = treeGrown;
    }

    @Override
    public void submit(RandomForest.TrainingStatus status) {
      treeGrown.accept(Thread.currentThread());
    }
  }

  /** The rows as a Smile data frame: the 8 features, then the target. */
  static DataFrame frame(HousingData data) {
    double[][] rows = new double[data.size()][];
    for (int i = 0; i < rows.length; i++) {
      double[] row = new double[FEATURES + 1];
      System.arraycopy(data.features()[i], 0, row, 0, FEATURES);
      row[FEATURES] = data.target()[i];
      rows[i] = row;
    }
    String[] names = new String[FEATURES + 1];
    for (int c = 0; c < FEATURES; c++) {
      names[c] = HousingData.FEATURE_NAMES.get(c);
    }
    names[FEATURES] = HousingData.TARGET_NAME;
    return DataFrame.of(rows, names);
  }
}

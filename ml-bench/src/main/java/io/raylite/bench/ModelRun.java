package io.raylite.bench;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import smile.regression.RandomForest;

/**
 * One model as the experiment saw it run: its score, how long it took and where it ran. Times are
 * {@link System#nanoTime()} readings, so they compare only within one JVM.
 *
 * @param nEstimators the number of trees
 * @param mse the test-set mean squared error
 * @param worker the thread or engine worker that ran the model
 * @param treeThreads how many distinct threads grew the forest's trees
 * @param startNanos when training started
 * @param endNanos when scoring ended
 */
public record ModelRun(int nEstimators, double mse, String worker, int treeThreads, long startNanos,
    long endNanos) implements java.io.Serializable {
  /** Trains and scores one model from the calling thread, timing it and counting the tree threads. */
  static ModelRun timed(HousingData train, HousingData test, int nEstimators, String worker, Scoring scoring) {
    Set<Thread> treeThreads = ConcurrentHashMap.newKeySet();
    long start = System.nanoTime();
    RandomForest forest = Models.fit(train, nEstimators, treeThreads::add);
    double mse = scoring.mse(forest, test);
    return new ModelRun(nEstimators, mse, worker, treeThreads.size(), start, System.nanoTime());
  }

  /**
   * As {@link #timed}, but the forest's trees are shared with idle workers of the calling thread's
   * fork/join pool, one tree at a time (see {@link SharedForest}); the nested mode's model.
   */
  static ModelRun timedShared(HousingData train, HousingData test, int nEstimators, String worker, Scoring scoring)
      throws InterruptedException {
    Set<Thread> treeThreads = ConcurrentHashMap.newKeySet();
    long start = System.nanoTime();
    RandomForest forest = new SharedForest(train, nEstimators, treeThreads::add).grow();
    double mse = scoring.mse(forest, test);
    return new ModelRun(nEstimators, mse, worker, treeThreads.size(), start, System.nanoTime());
  }

  /** The wall time from start to end, in seconds. */
  public double seconds() {
    return (endNanos - startNanos) / 1e9;
  }

  /** The line the reference prints for a model: {@code n_estimators=8, mse=0.2983, took: 0.93 seconds}. */
  public String line() {
    return String.format(java.util.Locale.ROOT,
        "n_estimators=%d, mse=%.4f, took: %.2f seconds", nEstimators, mse, seconds());
  }
}

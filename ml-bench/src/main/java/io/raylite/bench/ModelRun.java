package io.raylite.bench;

/**
 * One model as the experiment saw it run: its score, how long it took and where it ran. Times are
 * {@link System#nanoTime()} readings, so they compare only within one JVM.
 *
 * @param nEstimators the number of trees
 * @param mse the test-set mean squared error
 * @param worker the thread or engine worker that ran the model
 * @param startNanos when training started
 * @param endNanos when scoring ended
 */
public record ModelRun(int nEstimators, double mse, String worker, long startNanos, long endNanos) {
  /** Trains and scores one model on the calling thread, timing it. */
  static ModelRun timed(HousingData train, HousingData test, int nEstimators, String worker) {
    long start = System.nanoTime();
    ModelScore score = Models.trainAndScore(train, test, nEstimators);
    return new ModelRun(nEstimators, score.mse(), worker, start, System.nanoTime());
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

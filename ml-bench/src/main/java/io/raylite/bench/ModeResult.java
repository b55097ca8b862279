package io.raylite.bench;

import java.util.Comparator;
import java.util.List;

/**
 * What one mode produced: every model in the order of {@code n_estimators}, and the mode's wall and
 * process CPU time.
 *
 * @param mode the mode
 * @param cpus how many CPUs the mode could use (1 for sequential)
 * @param runs one entry per model, by increasing {@code n_estimators}
 * @param startNanos when the mode started, a {@link System#nanoTime()} reading
 * @param wallSeconds from submitting the first model to having every result
 * @param cpuSeconds the CPU time the whole JVM used meanwhile (JIT and GC threads included)
 */
public record ModeResult(Mode mode, int cpus, List<ModelRun> runs, long startNanos, double wallSeconds,
    double cpuSeconds) {

  public ModeResult {
    runs = List.copyOf(runs);
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("a mode result needs at least one model run");
    }
  }

  /** The model with the lowest MSE; the smallest forest among equals. */
  public ModelRun best() {
    return runs.stream()
        .min(Comparator.comparingDouble(ModelRun::mse).thenComparingInt(ModelRun::nEstimators))
        .orElseThrow();
  }

  /** How many times faster than {@code baseline}, by wall time. */
  public double speedupOver(ModeResult baseline) {
    return baseline.wallSeconds / wallSeconds;
  }

  /** CPU time over wall time: about 1 for one busy thread, up to the CPU count. */
  public double cpuUtilization() {
    return cpuSeconds / wallSeconds;
  }
}
